/**
 * Node measurement of the WAL codec on realistic records (tests/helpers/sample-records.ts):
 * encode and decode records/s, the read time of a ~10 MB segment, and binary vs JSON-lines size.
 * Not part of `npm test` (numbers, not pass/fail). Run: `npx tsx bench/codec-speed.ts`.
 * The product goal (≤ 100 ms per 10 MB segment) is measured in the worker by `npm run bench`.
 */
import { encodeFrame, encodeFrames, readSegment } from '../src/core/framing.ts';
import { MemoryByteFile } from '../src/core/byte-file.ts';
import type { WalRecord } from '../src/core/records.ts';
import { SegmentWriter } from '../src/core/segment-writer.ts';
import { sampleRecords } from '../tests/helpers/sample-records.ts';

const SEGMENT_BYTES = 10 * 1024 * 1024;
const RUNS = 15;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Median and fastest of RUNS timed calls, in ms, after two warm-up calls. */
function time(fn: () => unknown): { median: number; min: number } {
  fn();
  fn();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    fn();
    samples.push(performance.now() - start);
  }
  return { median: median(samples), min: Math.min(...samples) };
}

/** Realistic records until their frames fill ~10 MB. */
function segmentRecords(): WalRecord[] {
  const records: WalRecord[] = [];
  let bytes = 0;
  for (let seed = 1; bytes < SEGMENT_BYTES; seed++) {
    for (const record of sampleRecords({ seed, sessions: 4, utterances: 50 })) {
      const size = encodeFrame(record).length;
      if (bytes + size > SEGMENT_BYTES) return records;
      records.push(record);
      bytes += size;
    }
  }
  return records;
}

const records = segmentRecords();
const segment = encodeFrames(records);
const perSecond = (count: number, ms: number): string =>
  `${Math.round((count / ms) * 1000).toLocaleString('en')}/s`;

const encode = time(() => {
  for (const record of records) encodeFrame(record);
});
const append = time(() => {
  const writer = new SegmentWriter(new MemoryByteFile(new Uint8Array(0)));
  for (const record of records) writer.append(record);
});
const read = time(() => readSegment(segment));
const check = readSegment(segment);
if (check.records.length !== records.length || check.skipped.length > 0)
  throw new Error('segment did not read back');

const utf8 = new TextEncoder();
const jsonBytes = records.reduce((sum, r) => sum + utf8.encode(JSON.stringify(r) + '\n').length, 0);

console.log(
  `Node ${process.version}, ${records.length.toLocaleString('en')} records, ${segment.length.toLocaleString('en')} bytes`,
);
console.log(`  average frame          ${(segment.length / records.length).toFixed(1)} bytes`);
console.log(
  `  encode (encodeFrame)   ${perSecond(records.length, encode.median)} median, ${perSecond(records.length, encode.min)} best`,
);
console.log(
  `  append (SegmentWriter) ${perSecond(records.length, append.median)} median, ${perSecond(records.length, append.min)} best` +
    ' (into a MemoryByteFile)',
);
console.log(
  `  decode (readSegment)   ${perSecond(records.length, read.median)} median, ${perSecond(records.length, read.min)} best`,
);
console.log(`  read 10 MB segment     ${read.median.toFixed(1)} ms median, ${read.min.toFixed(1)} ms best`);
console.log(
  `  binary / JSON lines    ${(segment.length / jsonBytes).toFixed(3)} (${jsonBytes.toLocaleString('en')} JSON bytes)`,
);
