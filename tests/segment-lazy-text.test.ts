/**
 * readSegmentLazyText must be readSegment with partial texts decoded on demand: the same records
 * (texts included), skipped ranges and validEnd on realistic segments with PARTIAL_DELTA chains,
 * on every truncation, on bit flips and on garbage, and the same recovery fold result.
 */
import { describe, expect, it } from 'vitest';
import {
  encodeRawFrame,
  readSegment,
  readSegmentLazyText,
  type SegmentReadResult,
} from '../src/core/framing.ts';
import { foldRecords } from '../src/core/recovery-fold.ts';
import { mulberry32, sampleRecords } from './helpers/sample-records.ts';
import { plain, writeSegment } from './helpers/segments.ts';
import { segmentReadViolation } from './helpers/segment-invariants.ts';

function plainResult(result: SegmentReadResult) {
  return { ...result, records: result.records.map((r) => ({ ...r, record: plain(r.record) })) };
}

/** Lazy and eager reads agree, reading the lazy texts in `order` (texts must not depend on it). */
function expectSameRead(bytes: Uint8Array, order: 'forward' | 'backward' = 'forward'): SegmentReadResult {
  const eager = readSegment(bytes);
  const lazy = readSegmentLazyText(bytes);
  if (order === 'backward')
    for (let i = lazy.records.length - 1; i >= 0; i--) void plain(lazy.records[i].record);
  expect(plainResult(lazy)).toEqual(eager);
  return lazy;
}

const realistic = sampleRecords({ seed: 5, sessions: 3, utterances: 12, partialsPerUtterance: 10 });

describe('readSegmentLazyText', () => {
  it('returns what readSegment returns on a segment with delta chains, in any reading order', () => {
    const bytes = writeSegment(realistic);
    const lazy = expectSameRead(bytes, 'backward');
    expect(lazy.records.filter((r) => r.delta).length).toBeGreaterThan(100);
    expect(lazy.records.map((r) => plain(r.record))).toEqual(realistic);
    expect(segmentReadViolation(bytes, plainResult(lazy))).toBeNull();
  });

  it('gives partials a text field that reads, assigns and is not an own enumerable key', () => {
    const lazy = readSegmentLazyText(writeSegment(realistic));
    const partial = lazy.records.find((r) => r.delta)!.record;
    if (partial.type !== 'partial') throw new Error('expected a partial');
    expect(partial.text).toBe((realistic.find((r) => r.seq === partial.seq) as { text: string }).text);
    partial.text = 'replaced';
    expect(partial.text).toBe('replaced');
    // The segment behind it must never be serialised with it.
    expect(JSON.stringify(partial).length).toBeLessThan(200);
  });

  it('agrees with readSegment on every truncation of a delta segment', () => {
    const bytes = writeSegment(
      sampleRecords({ seed: 8, sessions: 2, utterances: 3, partialsPerUtterance: 6 }),
    );
    for (let cut = 0; cut <= bytes.length; cut += 3) expectSameRead(bytes.subarray(0, cut));
  });

  it('agrees with readSegment after bit flips, including in delta bases and suffixes (UTF-8 damage)', () => {
    const bytes = writeSegment(
      sampleRecords({ seed: 9, sessions: 2, utterances: 4, partialsPerUtterance: 6 }),
    );
    const random = mulberry32(99);
    for (let trial = 0; trial < 400; trial++) {
      const damaged = bytes.slice();
      const at = Math.floor(random() * damaged.length);
      damaged[at] ^= 1 << Math.floor(random() * 8);
      expectSameRead(damaged, trial % 2 === 0 ? 'forward' : 'backward');
    }
  });

  it('agrees with readSegment on frames whose payload is damaged under a valid CRC', () => {
    // A CRC-valid frame with invalid UTF-8 in a text: only a re-framed payload can carry it.
    const bytes = writeSegment(realistic.slice(0, 40));
    const frames = readSegment(bytes).records;
    const victims = frames.filter((r) => r.record.type === 'partial').slice(0, 6);
    for (const victim of victims) {
      const payload = bytes.slice(victim.offset + 12, victim.offset + victim.length);
      payload[payload.length - 1] = 0xff; // the text (or suffix) is the payload's last field
      const frame = encodeRawFrame(bytes[victim.offset + 7], payload);
      const rebuilt = new Uint8Array(bytes.length - victim.length + frame.length);
      rebuilt.set(bytes.subarray(0, victim.offset));
      rebuilt.set(frame, victim.offset);
      rebuilt.set(bytes.subarray(victim.offset + victim.length), victim.offset + frame.length);
      const lazy = expectSameRead(rebuilt);
      expect(lazy.skipped.some((s) => s.reason === 'bad-payload')).toBe(true);
    }
  });

  it('agrees with readSegment on random bytes and garbage between frames', () => {
    const random = mulberry32(7);
    for (let trial = 0; trial < 50; trial++) {
      const noise = Uint8Array.from({ length: 200 + Math.floor(random() * 400) }, () => (random() * 256) | 0);
      expectSameRead(noise);
    }
    const bytes = writeSegment(realistic.slice(0, 60));
    const withGarbage = new Uint8Array(bytes.length + 37);
    const middle = readSegment(bytes).records[30].offset;
    withGarbage.set(bytes.subarray(0, middle));
    withGarbage.fill(0xc1, middle, middle + 37);
    withGarbage.set(bytes.subarray(middle), middle + 37);
    expectSameRead(withGarbage);
  });

  it('folds to the same sessions as readSegment, intact and truncated', () => {
    const bytes = writeSegment(realistic);
    for (const cut of [bytes.length, Math.floor(bytes.length * 0.7), Math.floor(bytes.length * 0.31)]) {
      const segment = bytes.subarray(0, cut);
      const eager = foldRecords(readSegment(segment).records.map((r) => r.record));
      const lazy = foldRecords(readSegmentLazyText(segment).records.map((r) => r.record));
      expect(lazy).toEqual(eager);
      // Trailing partials are where the lazy texts end up: the cut segments must have some.
      if (cut !== bytes.length)
        expect([...lazy.sessions.values()].some((s) => s.pending.length > 0)).toBe(true);
    }
  });
});
