/**
 * Crash and corruption injection on real segments: truncation at every byte, every single-bit flip,
 * garbage between records, zero-filled tails. The reader must return exactly the intact records
 * and report the damaged bytes. The same on segments written by SegmentWriter (PARTIAL_DELTA
 * frames), where a damaged partial may also cost the deltas chained on it, never more.
 */
import { describe, expect, it } from 'vitest';
import { MemoryByteFile } from '../src/core/byte-file.ts';
import { encodeFrame, encodeFrames, readSegment, type SkippedRange } from '../src/core/framing.ts';
import type { WalRecord } from '../src/core/records.ts';
import { KEYFRAME_INTERVAL } from '../src/core/segment-encoder.ts';
import { SegmentWriter } from '../src/core/segment-writer.ts';
import { mulberry32, sampleRecords } from './helpers/sample-records.ts';
import { segmentReadViolation } from './helpers/segment-invariants.ts';

interface Layout {
  bytes: Uint8Array;
  records: WalRecord[];
  offsets: number[];
  lengths: number[];
}

function layout(records: WalRecord[]): Layout {
  const frames = records.map((r) => encodeFrame(r));
  const offsets: number[] = [];
  let offset = 0;
  for (const frame of frames) {
    offsets.push(offset);
    offset += frame.length;
  }
  return { bytes: encodeFrames(records), records, offsets, lengths: frames.map((f) => f.length) };
}

/**
 * Cuts the segment at every byte offset: exactly the records wholly before the cut come back, and a
 * cut inside a record is reported as one torn tail from that record's start.
 */
function expectEveryTruncationKeepsWholeRecords(seg: Layout): void {
  for (let cut = 0; cut <= seg.bytes.length; cut++) {
    const result = readSegment(seg.bytes.subarray(0, cut));
    const whole = seg.offsets.filter((o, i) => o + seg.lengths[i] <= cut).length;
    expect(
      result.records.map((r) => r.record),
      `cut ${cut}`,
    ).toEqual(seg.records.slice(0, whole));
    const boundary = whole === seg.records.length ? seg.bytes.length : seg.offsets[whole];
    const expectedSkipped: SkippedRange[] =
      cut === boundary ? [] : [{ offset: boundary, length: cut - boundary, reason: 'torn-tail' }];
    expect(result.skipped, `cut ${cut}`).toEqual(expectedSkipped);
    expect(result.validEnd).toBe(boundary);
  }
}

/** A few short records of a realistic session: ~300–600 bytes. */
function smallSegment(): Layout {
  const all = sampleRecords({ seed: 11, sessions: 1, utterances: 2, partialsPerUtterance: 2 });
  const picked: WalRecord[] = [];
  let bytes = 0;
  for (const record of all) {
    const size = encodeFrame(record).length;
    if (bytes + size > 600) break;
    picked.push(record);
    bytes += size;
  }
  return layout(picked);
}

describe('truncation at every byte offset', () => {
  it('recovers exactly the records wholly before the cut and reports a torn tail mid-record', () => {
    const seg = layout(sampleRecords({ seed: 3, sessions: 2, utterances: 2, partialsPerUtterance: 3 }));
    expect(seg.bytes.length).toBeGreaterThan(1500);
    expectEveryTruncationKeepsWholeRecords(seg);
  });
});

describe('every single-bit flip', () => {
  it('is detected: the damaged record is skipped and reported, all others are returned', () => {
    const seg = smallSegment();
    expect(seg.bytes.length).toBeGreaterThanOrEqual(300);
    expect(seg.bytes.length).toBeLessThanOrEqual(600);
    expect(seg.records.length).toBeGreaterThanOrEqual(3);
    const reasons = new Set<string>();
    for (let bit = 0; bit < seg.bytes.length * 8; bit++) {
      const damaged = seg.bytes.slice();
      damaged[bit >> 3] ^= 1 << (bit & 7);
      const hit = seg.offsets.findIndex((o, i) => bit >> 3 >= o && bit >> 3 < o + seg.lengths[i]);
      const result = readSegment(damaged);
      expect(
        result.records.map((r) => r.record),
        `bit ${bit}`,
      ).toEqual(seg.records.filter((_, i) => i !== hit));
      expect(result.records.map((r) => r.offset)).toEqual(seg.offsets.filter((_, i) => i !== hit));
      expect(result.skipped, `bit ${bit}`).toHaveLength(1);
      const [skip] = result.skipped;
      expect({ offset: skip.offset, length: skip.length }, `bit ${bit}`).toEqual({
        offset: seg.offsets[hit],
        length: seg.lengths[hit],
      });
      reasons.add(skip.reason);
    }
    // Flips in magic, CRC/version/type/payload and length bytes each have a reason of their own.
    expect([...reasons].sort()).toEqual(['bad-crc', 'bad-length', 'bad-magic', 'torn-tail']);
  });
});

describe('garbage between records', () => {
  it('is skipped with its exact offset and size, and the records after it are recovered', () => {
    const rand = mulberry32(99);
    const seg = layout(sampleRecords({ seed: 4, sessions: 2, utterances: 3 }));
    for (let trial = 0; trial < 200; trial++) {
      // Insert 1–3 runs of random bytes at frame boundaries.
      const boundaries = [
        ...new Set([0, 0, 0].map(() => Math.floor(rand() * (seg.records.length + 1)))),
      ].sort((a, b) => a - b);
      const parts: number[] = [];
      const expected: SkippedRange[] = [];
      let written = 0;
      for (let i = 0; i <= seg.records.length; i++) {
        if (boundaries.includes(i)) {
          const garbage = Array.from({ length: 1 + Math.floor(rand() * 200) }, () =>
            Math.floor(rand() * 256),
          );
          expected.push({ offset: written, length: garbage.length, reason: 'bad-magic' });
          parts.push(...garbage);
          written += garbage.length;
        }
        if (i < seg.records.length) {
          const frame = seg.bytes.subarray(seg.offsets[i], seg.offsets[i] + seg.lengths[i]);
          parts.push(...frame);
          written += frame.length;
        }
      }
      const bytes = Uint8Array.from(parts);
      const result = readSegment(bytes);
      expect(
        result.records.map((r) => r.record),
        `trial ${trial}`,
      ).toEqual(seg.records);
      // Garbage at the very end with nothing valid after it is the damaged tail, not mid-file damage.
      const last = expected[expected.length - 1];
      if (last.offset + last.length === bytes.length) last.reason = result.skipped.at(-1)!.reason;
      expect(result.skipped, `trial ${trial}`).toEqual(expected);
      expect(segmentReadViolation(bytes, result)).toBeNull();
    }
  });

  it('survives garbage that imitates a frame header (magic and a plausible length, wrong CRC)', () => {
    const seg = layout(sampleRecords({ seed: 8, sessions: 1, utterances: 2 }));
    const fake = encodeFrame(seg.records[1]).slice();
    fake[fake.length - 1] ^= 0xff; // a whole frame with a wrong CRC
    const fakeHeaderOnly = fake.subarray(0, 12); // a header whose payload would run over the next frame
    const bytes = Uint8Array.from([
      ...seg.bytes.subarray(0, seg.offsets[2]),
      ...fake,
      ...fakeHeaderOnly,
      ...seg.bytes.subarray(seg.offsets[2]),
    ]);
    const result = readSegment(bytes);
    expect(result.records.map((r) => r.record)).toEqual(seg.records);
    // One damaged stretch: resync passes over the header-only fake too (its CRC cannot match).
    expect(result.skipped).toEqual([{ offset: seg.offsets[2], length: fake.length + 12, reason: 'bad-crc' }]);
  });
});

describe('damaged tails and holes', () => {
  it('reports a zero-filled tail (size extended, data never written) as a torn tail', () => {
    const seg = layout(sampleRecords({ seed: 9, sessions: 1, utterances: 1 }));
    const bytes = Uint8Array.from([...seg.bytes, ...new Uint8Array(4096)]);
    const result = readSegment(bytes);
    expect(result.records.map((r) => r.record)).toEqual(seg.records);
    expect(result.skipped).toEqual([{ offset: seg.bytes.length, length: 4096, reason: 'torn-tail' }]);
    expect(result.validEnd).toBe(seg.bytes.length);
  });

  it('reports a zeroed hole in the middle as damage and reads the records after it', () => {
    const seg = layout(sampleRecords({ seed: 10, sessions: 1, utterances: 2 }));
    const bytes = seg.bytes.slice();
    const holeStart = seg.offsets[2] + 3;
    const holeEnd = seg.offsets[4] + 5;
    bytes.fill(0, holeStart, holeEnd);
    const result = readSegment(bytes);
    const lost = [2, 3, 4];
    expect(result.records.map((r) => r.record)).toEqual(seg.records.filter((_, i) => !lost.includes(i)));
    expect(result.skipped).toEqual([
      { offset: seg.offsets[2], length: seg.offsets[5] - seg.offsets[2], reason: 'bad-crc' },
    ]);
  });

  it('reports a frame whose length runs past a later valid frame as bad-length', () => {
    const seg = layout(sampleRecords({ seed: 12, sessions: 1, utterances: 1 }));
    const bytes = seg.bytes.slice();
    // Make frame 1 claim more bytes than the segment has left: a torn append followed by good ones.
    new DataView(bytes.buffer).setUint32(seg.offsets[1] + 8, bytes.length, true);
    const result = readSegment(bytes);
    expect(result.skipped).toEqual([
      { offset: seg.offsets[1], length: seg.lengths[1], reason: 'bad-length' },
    ]);
    expect(result.records).toHaveLength(seg.records.length - 1);
  });

  it('reports a damaged last record with an intact size as bad-crc, not a torn tail', () => {
    const seg = layout(sampleRecords({ seed: 13, sessions: 1, utterances: 1 }));
    const bytes = seg.bytes.slice();
    bytes[bytes.length - 2] ^= 0x10;
    const lastIndex = seg.records.length - 1;
    expect(readSegment(bytes).skipped).toEqual([
      { offset: seg.offsets[lastIndex], length: seg.lengths[lastIndex], reason: 'bad-crc' },
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Segments written by SegmentWriter, whose partials are mostly PARTIAL_DELTA frames.

interface DeltaLayout extends Layout {
  /** For each record, the index of the record its delta frame extends, or -1 for a self-contained frame. */
  baseIndex: number[];
}

function deltaLayout(records: WalRecord[]): DeltaLayout {
  const file = new MemoryByteFile();
  const writer = new SegmentWriter(file, 0);
  const appended = records.map((r) => writer.append(r));
  const bytes = file.bytes();
  const read = readSegment(bytes);
  expect(read.skipped).toEqual([]);
  expect(read.records.map((r) => r.record)).toEqual(records);
  const baseIndex = read.records.map(({ record, delta }, i) => {
    if (!delta || record.type !== 'partial') return -1;
    return records.findLastIndex(
      (r, j) =>
        j < i &&
        r.type === 'partial' &&
        r.sessionId === record.sessionId &&
        r.utterance === record.utterance &&
        r.seq === delta.baseSeq,
    );
  });
  return {
    bytes,
    records,
    offsets: appended.map((a) => a.offset),
    lengths: appended.map((a) => a.length),
    baseIndex,
  };
}

/**
 * Two sessions; session a's utterance 0 is a chain longer than KEYFRAME_INTERVAL (every partial
 * shares ≥ 16 bytes with the one before), interleaved with session b's partials; then finals.
 */
function chainSegment(): DeltaLayout {
  const words = ['transcription', 'so', 'we', 'go', '😀', 'on', 'and', 'on', 'ok', 'yes', 'no'];
  const records: WalRecord[] = [
    { type: 'session-start', sessionId: 'a', seq: 0, at: 1, title: '', source: '', lang: '' },
  ];
  for (let n = 1; n <= words.length; n++) {
    const text = words.slice(0, n).join(' ');
    records.push({ type: 'partial', sessionId: 'a', seq: n, at: n, utterance: 0, startMs: 0, text });
    if (n % 5 === 0) {
      const textB = `session b at ${n}, growing`;
      records.push({ type: 'partial', sessionId: 'b', seq: n, at: n, utterance: 0, startMs: 0, text: textB });
    }
  }
  records.push(
    {
      type: 'final',
      sessionId: 'a',
      seq: words.length + 1,
      at: 99,
      utterance: 0,
      startMs: 0,
      endMs: 9,
      text: words.join(' '),
      confidence: null,
    },
    { type: 'session-stop', sessionId: 'b', seq: 99, at: 99, reason: '' },
  );
  return deltaLayout(records);
}

/** A compact, exact description of what a read returned, cheap to compare thousands of times. */
function summary(records: WalRecord[], skipped: SkippedRange[]): string {
  return JSON.stringify([records, skipped]);
}

describe('delta-encoded segments', () => {
  it('truncated at every byte offset recover exactly the records wholly before the cut', () => {
    const seg = deltaLayout(sampleRecords({ seed: 3, sessions: 2, utterances: 2, partialsPerUtterance: 6 }));
    expect(seg.baseIndex.filter((b) => b >= 0).length).toBeGreaterThan(5);
    expectEveryTruncationKeepsWholeRecords(seg);
  });

  it('every single-bit flip is detected and loses only the hit record and the deltas chained on it (≤ K − 1)', () => {
    const seg = chainSegment();
    const deltas = seg.baseIndex.filter((b) => b >= 0).length;
    expect(deltas).toBeGreaterThanOrEqual(KEYFRAME_INTERVAL);
    let longestLoss = 0;
    for (let bit = 0; bit < seg.bytes.length * 8; bit++) {
      const damaged = seg.bytes.slice();
      damaged[bit >> 3] ^= 1 << (bit & 7);
      const hit = seg.offsets.findIndex((o, i) => bit >> 3 >= o && bit >> 3 < o + seg.lengths[i]);
      // Lost: the hit record, and every delta whose base is lost (its chain up to the next keyframe).
      const lost = new Set([hit]);
      seg.baseIndex.forEach((base, i) => {
        if (base >= 0 && lost.has(base)) lost.add(i);
      });
      const followers = [...lost].filter((i) => i !== hit).sort((a, b) => a - b);
      const result = readSegment(damaged);
      const damage = result.skipped[0];
      // Exactly: the hit frame as one damaged range, then each lost follower as a missing-base frame.
      const expected = summary(
        seg.records.filter((_, i) => !lost.has(i)),
        [
          { offset: seg.offsets[hit], length: seg.lengths[hit], reason: damage?.reason ?? 'bad-crc' },
          ...followers.map((i) => ({
            offset: seg.offsets[i],
            length: seg.lengths[i],
            reason: 'missing-base' as const,
          })),
        ],
      );
      const actual = summary(
        result.records.map((r) => r.record),
        result.skipped,
      );
      if (actual !== expected) expect(actual, `bit ${bit}`).toBe(expected);
      if (damage.reason === 'missing-base')
        expect.fail(`bit ${bit}: the damaged frame itself read as missing-base`);
      // The bound: followers are later partials of the hit record's own utterance, at most K − 1 of them.
      const hitRecord = seg.records[hit];
      for (const i of followers) {
        const r = seg.records[i];
        const sameUtterance =
          r.type === 'partial' &&
          hitRecord.type === 'partial' &&
          r.sessionId === hitRecord.sessionId &&
          r.utterance === hitRecord.utterance;
        if (!sameUtterance || i < hit)
          expect.fail(`bit ${bit}: lost ${i} is not a later partial of the hit's utterance`);
      }
      if (followers.length > KEYFRAME_INTERVAL - 1)
        expect.fail(`bit ${bit}: ${followers.length} followers lost`);
      longestLoss = Math.max(longestLoss, followers.length);
      const violation = segmentReadViolation(damaged, result);
      if (violation) expect.fail(`bit ${bit}: ${violation}`);
    }
    // The segment has a full chain, so damage to its keyframe really costs K − 1 followers.
    expect(longestLoss).toBe(KEYFRAME_INTERVAL - 1);
  });

  it('garbage between frames does not break delta chains', () => {
    const rand = mulberry32(7);
    const seg = chainSegment();
    for (let trial = 0; trial < 100; trial++) {
      const at = 1 + Math.floor(rand() * (seg.records.length - 1));
      const garbage = Array.from({ length: 1 + Math.floor(rand() * 100) }, () => Math.floor(rand() * 256));
      const bytes = Uint8Array.from([
        ...seg.bytes.subarray(0, seg.offsets[at]),
        ...garbage,
        ...seg.bytes.subarray(seg.offsets[at]),
      ]);
      const result = readSegment(bytes);
      expect(
        result.records.map((r) => r.record),
        `trial ${trial}`,
      ).toEqual(seg.records);
      expect(result.skipped).toEqual([
        { offset: seg.offsets[at], length: garbage.length, reason: 'bad-magic' },
      ]);
    }
  });
});
