/**
 * Seeded fuzzing of the segment reader: 100k+ buffers of random bytes, frame-like noise and
 * mutated valid segments (self-contained frames and SegmentWriter's delta-encoded ones). The reader must never throw or hang, and its result must stay
 * consistent (tiling, validEnd, every returned record re-encodes to its exact bytes).
 * A failure prints the seed and case number so it can be replayed.
 */
import { describe, expect, it } from 'vitest';
import { MemoryByteFile } from '../src/core/byte-file.ts';
import { MAGIC_BYTE_0, MAGIC_BYTE_1, encodeFrame, encodeFrames, readSegment } from '../src/core/framing.ts';
import { SegmentWriter } from '../src/core/segment-writer.ts';
import { mulberry32, sampleRecords } from './helpers/sample-records.ts';
import { segmentReadViolation } from './helpers/segment-invariants.ts';

const SEED = 20_261_123;
const CASES = 100_000;

type Rand = () => number;
const int = (rand: Rand, n: number): number => Math.floor(rand() * n);

function randomBytes(rand: Rand, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = int(rand, 256);
  return bytes;
}

/** Random bytes sprinkled with magic words and small lengths, so resync checks CRCs constantly. */
function frameLikeNoise(rand: Rand, length: number): Uint8Array {
  const bytes = randomBytes(rand, length);
  for (let i = 0; i + 12 <= length; i += 1 + int(rand, 24)) {
    bytes[i] = MAGIC_BYTE_0;
    bytes[i + 1] = MAGIC_BYTE_1;
    bytes[i + 6] = rand() < 0.8 ? 1 : int(rand, 256);
    bytes[i + 7] = int(rand, 8);
    bytes.set(
      [int(rand, 64), rand() < 0.9 ? 0 : int(rand, 256), 0, rand() < 0.95 ? 0 : int(rand, 256)],
      i + 8,
    );
  }
  return bytes;
}

/** Segments as SegmentWriter writes them: most partials are PARTIAL_DELTA frames chained on earlier ones. */
function deltaSegment(seed: number): Uint8Array {
  const file = new MemoryByteFile();
  const writer = new SegmentWriter(file, 0, { keyframeInterval: 4 });
  for (const record of sampleRecords({ seed, sessions: 2, utterances: 1, partialsPerUtterance: 6 })) {
    writer.append(record);
  }
  return file.bytes();
}

const CORPUS = [
  ...[1, 2, 3].map((seed) =>
    encodeFrames(sampleRecords({ seed, sessions: 2, utterances: 1, partialsPerUtterance: 3 })),
  ),
  ...[4, 5].map(deltaSegment),
];

/** A valid segment with 1–6 random edits: bit flips, byte stores, inserts, deletes, cuts, duplicated spans. */
function mutatedSegment(rand: Rand): Uint8Array {
  const source = CORPUS[int(rand, CORPUS.length)];
  const start = int(rand, source.length);
  let bytes = Array.from(source.subarray(start, start + 64 + int(rand, 600)));
  const edits = 1 + int(rand, 6);
  for (let e = 0; e < edits && bytes.length > 0; e++) {
    const at = int(rand, bytes.length);
    switch (int(rand, 6)) {
      case 0:
        bytes[at] ^= 1 << int(rand, 8);
        break;
      case 1:
        bytes[at] = int(rand, 256);
        break;
      case 2:
        bytes.splice(at, 0, ...randomBytes(rand, 1 + int(rand, 16)));
        break;
      case 3:
        bytes.splice(at, 1 + int(rand, 16));
        break;
      case 4:
        bytes = bytes.slice(0, at);
        break;
      default: {
        const len = 1 + int(rand, 40);
        bytes.splice(int(rand, bytes.length), 0, ...bytes.slice(at, at + len));
      }
    }
  }
  return Uint8Array.from(bytes);
}

function fuzzCase(rand: Rand): Uint8Array {
  const kind = int(rand, 10);
  if (kind < 3) return randomBytes(rand, int(rand, 200));
  if (kind < 5) return frameLikeNoise(rand, int(rand, 300));
  return mutatedSegment(rand);
}

describe('reader fuzz', () => {
  it(`never throws or hangs on ${CASES} random and mutated buffers, and stays consistent`, () => {
    const rand = mulberry32(SEED);
    let recordsSeen = 0;
    let skippedSeen = 0;
    let deltasSeen = 0;
    let missingBaseSeen = 0;
    const deadline = Date.now() + 45_000;
    for (let c = 0; c < CASES; c++) {
      const bytes = fuzzCase(rand);
      let violation: string | null;
      try {
        const result = readSegment(bytes);
        recordsSeen += result.records.length;
        skippedSeen += result.skipped.length;
        deltasSeen += result.records.filter((r) => r.delta).length;
        missingBaseSeen += result.skipped.filter((r) => r.reason === 'missing-base').length;
        violation = segmentReadViolation(bytes, result);
      } catch (error) {
        violation = `threw ${String(error)}`;
      }
      if (violation) throw new Error(`seed ${SEED} case ${c}: ${violation}`);
      if (Date.now() > deadline) throw new Error(`seed ${SEED}: too slow, stopped at case ${c}`);
    }
    // The corpus mutations must leave intact frames to find, and the noise must be reported.
    expect(recordsSeen).toBeGreaterThan(CASES / 10);
    expect(skippedSeen).toBeGreaterThan(CASES / 2);
    // Delta frames were rebuilt from their bases, and cut off from them.
    expect(deltasSeen).toBeGreaterThan(CASES / 100);
    expect(missingBaseSeen).toBeGreaterThan(CASES / 100);
  });

  it('is reproducible: the same seed gives the same cases', () => {
    const a = mulberry32(SEED);
    const b = mulberry32(SEED);
    for (let i = 0; i < 100; i++) expect(fuzzCase(a)).toEqual(fuzzCase(b));
  });

  it('finds records in noise only when they are really there', () => {
    const rand = mulberry32(SEED + 1);
    const frame = encodeFrame({ type: 'session-delete', sessionId: 'needle', seq: 1, at: 2 });
    for (let i = 0; i < 500; i++) {
      const before = frameLikeNoise(rand, int(rand, 200));
      const after = frameLikeNoise(rand, int(rand, 200));
      const result = readSegment(Uint8Array.from([...before, ...frame, ...after]));
      expect(result.records.map((r) => r.offset)).toContain(before.length);
      expect(result.records.filter((r) => r.record.sessionId === 'needle')).toHaveLength(1);
    }
  });
});
