/**
 * scanSegment (records and skipped ranges handed to a visitor as they are read) must be
 * readSegmentLazyText without the arrays: the same records, offsets, skipped ranges, reasons and
 * validEnd, and folding as it reads must give exactly what readSegment + foldRecords give, on
 * undamaged and on randomly damaged segments. sessionIdHints must name every session of an
 * undamaged segment and never throw.
 */
import { describe, expect, it } from 'vitest';
import {
  encodeFrames,
  readSegment,
  readSegmentLazyText,
  scanSegment,
  sessionIdHints,
  type SkippedRange,
} from '../src/core/framing.ts';
import type { WalRecord } from '../src/core/records.ts';
import { RecoveryFold, foldRecords } from '../src/core/recovery-fold.ts';
import { mulberry32, sampleRecords } from './helpers/sample-records.ts';
import { plain, writeSegment } from './helpers/segments.ts';

/** One of several kinds of damage, chosen and placed by `rand`. */
function damage(bytes: Uint8Array, rand: () => number): Uint8Array {
  const at = Math.floor(rand() * bytes.length);
  const out = bytes.slice();
  switch (Math.floor(rand() * 5)) {
    case 0: // bit flips
      for (let i = 0; i < 1 + Math.floor(rand() * 4); i++) {
        const p = Math.floor(rand() * out.length);
        out[p] ^= 1 << Math.floor(rand() * 8);
      }
      return out;
    case 1: // torn tail
      return out.subarray(0, at);
    case 2: {
      // zeroed hole
      out.fill(0, at, at + 1 + Math.floor(rand() * 200));
      return out;
    }
    case 3: {
      // garbage inserted
      const garbage = new Uint8Array(1 + Math.floor(rand() * 100)).map(() => Math.floor(rand() * 256));
      const grown = new Uint8Array(out.length + garbage.length);
      grown.set(out.subarray(0, at));
      grown.set(garbage, at);
      grown.set(out.subarray(at), at + garbage.length);
      return grown;
    }
    default: {
      // a range moved over another (a frame start in the middle of a frame)
      const from = Math.floor(rand() * out.length);
      out.copyWithin(at, from, from + 1 + Math.floor(rand() * 300));
      return out;
    }
  }
}

function scanned(bytes: Uint8Array) {
  const records: Array<{ offset: number; length: number; record: WalRecord }> = [];
  const skipped: SkippedRange[] = [];
  const { validEnd, totalBytes } = scanSegment(bytes, {
    record(record, offset, length) {
      records.push({ offset, length, record });
    },
    skipped(offset, length, reason) {
      skipped.push({ offset, length, reason });
    },
  });
  return { records, skipped, validEnd, totalBytes };
}

function expectScanLikeRead(bytes: Uint8Array): void {
  const read = readSegmentLazyText(bytes);
  const scan = scanned(bytes);
  expect(scan.validEnd).toBe(read.validEnd);
  expect(scan.totalBytes).toBe(read.totalBytes);
  expect(scan.skipped).toEqual(read.skipped);
  expect(scan.records.map((r) => ({ ...r, record: plain(r.record) }))).toEqual(
    read.records.map(({ offset, length, record }) => ({ offset, length, record: plain(record) })),
  );
}

/** Folding while scanning vs reading eagerly and folding the array. */
function expectFoldWhileReadingLikeReadThenFold(bytes: Uint8Array): void {
  const fold = new RecoveryFold();
  scanSegment(bytes, { record: (record) => fold.apply(record), skipped: () => {} });
  expect(fold.result()).toEqual(foldRecords(readSegment(bytes).records.map((r) => r.record)));
}

const streams = [1, 2, 3].map((seed) => sampleRecords({ seed, sessions: 3, utterances: 6 }));

describe('scanSegment', () => {
  it('hands over what readSegmentLazyText returns, on undamaged segments with and without deltas', () => {
    for (const records of streams) {
      for (const bytes of [writeSegment(records), encodeFrames(records)]) {
        expectScanLikeRead(bytes);
        expectFoldWhileReadingLikeReadThenFold(bytes);
        expect(scanned(bytes).records.length).toBe(records.length);
      }
    }
  });

  it('hands over what readSegmentLazyText returns on 300 randomly damaged segments (seeded)', () => {
    const rand = mulberry32(2024);
    let damaged = 0;
    for (let i = 0; i < 300; i++) {
      const records = streams[i % streams.length]!;
      let bytes = i % 4 === 3 ? encodeFrames(records) : writeSegment(records);
      for (let d = 0; d < 1 + Math.floor(rand() * 3); d++) bytes = damage(bytes, rand);
      expectScanLikeRead(bytes);
      expectFoldWhileReadingLikeReadThenFold(bytes);
      if (readSegment(bytes).skipped.length > 0) damaged++;
    }
    // The damage is real: most segments have skipped ranges (the rest lost only whole records).
    expect(damaged).toBeGreaterThan(200);
  });

  it('lets a visitor exception through (the reader itself never throws)', () => {
    const bytes = writeSegment(streams[0]!);
    const visitor = {
      record() {
        throw new Error('visitor failed');
      },
      skipped() {},
    };
    expect(() => scanSegment(bytes, visitor)).toThrow('visitor failed');
  });
});

describe('sessionIdHints', () => {
  it('names exactly the sessions of an undamaged segment', () => {
    for (const records of streams) {
      const ids = new Set(records.map((r) => r.sessionId));
      expect(sessionIdHints(writeSegment(records))).toEqual(ids);
      expect(sessionIdHints(encodeFrames(records))).toEqual(ids);
    }
    expect(sessionIdHints(new Uint8Array(0))).toEqual(new Set());
  });

  it('never throws on damaged or random bytes', () => {
    const rand = mulberry32(99);
    for (let i = 0; i < 300; i++) {
      const bytes =
        i % 2 === 0
          ? damage(writeSegment(streams[i % 3]!), rand)
          : new Uint8Array(Math.floor(rand() * 400)).map(() =>
              rand() < 0.2 ? 0xc1 : Math.floor(rand() * 256),
            );
      expect(() => sessionIdHints(bytes)).not.toThrow();
    }
  });
});
