/**
 * Crash and corruption injection on real segments: truncation at every byte, every single-bit flip,
 * garbage between records, zero-filled tails. The reader must return exactly the intact records
 * and report the damaged bytes.
 */
import { describe, expect, it } from 'vitest';
import { encodeFrame, encodeFrames, readSegment, type SkippedRange } from '../src/core/framing.ts';
import type { WalRecord } from '../src/core/records.ts';
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
    for (let cut = 0; cut <= seg.bytes.length; cut++) {
      const truncated = seg.bytes.subarray(0, cut);
      const result = readSegment(truncated);
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
