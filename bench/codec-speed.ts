/**
 * Node measurement of the WAL codec on realistic records (tests/helpers/sample-records.ts):
 * encode and decode records/s, the read time of a ~10 MB segment, and binary vs JSON-lines size,
 * both for a segment as SegmentWriter writes it (partials as PARTIAL_DELTA frames where they extend
 * the previous partial) and for the same records as self-contained frames (encodeFrames).
 * Not part of `npm test` (numbers, not pass/fail). Run: `npx tsx bench/codec-speed.ts`.
 * replayWal is what start-up recovery runs (read and fold in one pass). The product goal (≤ 100 ms
 * per 10 MB segment) is measured in the worker by `npm run bench`.
 */
import { encodeFrame, encodeFrames, readSegment, readSegmentLazyText } from '../src/core/framing.ts';
import { RecoveryFold } from '../src/core/recovery-fold.ts';
import { replayWal } from '../src/store/wal-replay.ts';
import { MemoryByteFile } from '../src/core/byte-file.ts';
import type { WalRecord } from '../src/core/records.ts';
import { SegmentEncoder } from '../src/core/segment-encoder.ts';
import { SegmentWriter } from '../src/core/segment-writer.ts';
import { sampleRecords } from '../tests/helpers/sample-records.ts';

const SEGMENT_BYTES = 10 * 1024 * 1024;
const RUNS = 15;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

interface Timing {
  /** Wall-clock ms, median and fastest. */
  median: number;
  min: number;
  /** CPU ms of the process (all threads, GC included), median: steadier than wall time on a busy machine. */
  cpuMedian: number;
}

/** CPU ms of one call: the first call of a function is what a freshly started worker's recovery pays. */
function cpuOnce(fn: () => unknown): number {
  const cpuStart = process.cpuUsage();
  fn();
  const used = process.cpuUsage(cpuStart);
  return (used.user + used.system) / 1000;
}

async function cpuOnceAsync(fn: () => Promise<unknown>): Promise<number> {
  const cpuStart = process.cpuUsage();
  await fn();
  const used = process.cpuUsage(cpuStart);
  return (used.user + used.system) / 1000;
}

/** Median and fastest of RUNS timed calls, in ms, after two warm-up calls. */
function time(fn: () => unknown): Timing {
  fn();
  fn();
  const samples: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    fn();
    samples.push(performance.now() - start);
    const used = process.cpuUsage(cpuStart);
    cpu.push((used.user + used.system) / 1000);
  }
  return { median: median(samples), min: Math.min(...samples), cpuMedian: median(cpu) };
}

/** Realistic records until SegmentWriter's frames of them fill ~10 MB, and that segment. */
function segmentRecords(): { records: WalRecord[]; segment: Uint8Array } {
  const file = new MemoryByteFile(new Uint8Array(0));
  const writer = new SegmentWriter(file, 0);
  const records: WalRecord[] = [];
  for (let seed = 1; writer.size < SEGMENT_BYTES; seed++) {
    for (const record of sampleRecords({ seed, sessions: 4, utterances: 50 })) {
      if (writer.size >= SEGMENT_BYTES) break;
      writer.append(record);
      records.push(record);
    }
  }
  return { records, segment: file.bytes() };
}

const { records, segment } = segmentRecords();
const fullSegment = encodeFrames(records);
const perSecond = (count: number, ms: number): string =>
  `${Math.round((count / ms) * 1000).toLocaleString('en')}/s`;

const encode = time(() => {
  for (const record of records) encodeFrame(record);
});
const encodeDelta = time(() => {
  const encoder = new SegmentEncoder();
  for (const record of records) encoder.encodeTransient(record);
});
const append = time(() => {
  const writer = new SegmentWriter(new MemoryByteFile(new Uint8Array(0)));
  for (const record of records) writer.append(record);
});
/** What recovery does with a segment: read it, fold every record, snapshot the sessions (reads the kept texts). */
function readAndFold(read: (bytes: Uint8Array) => ReturnType<typeof readSegment>): void {
  const fold = new RecoveryFold();
  for (const framed of read(segment).records) fold.apply(framed.record);
  fold.result();
}
/** What start-up recovery runs on a dead writer's files (no session files here): fold while reading. */
async function replay(): Promise<void> {
  await replayWal([{ path: 'segment', bytes: segment }], async () => null);
}
// Cold first: each path's first call, before anything else has warmed it up.
const coldReplay = await cpuOnceAsync(replay);
const coldLazyFold = cpuOnce(() => readAndFold(readSegmentLazyText));
const coldFold = cpuOnce(() => readAndFold(readSegment));
const read = time(() => readSegment(segment));
const readLazy = time(() => readSegmentLazyText(segment));
const fold = time(() => readAndFold(readSegment));
const lazyFold = time(() => readAndFold(readSegmentLazyText));
const readFull = time(() => readSegment(fullSegment));
const replayCpu: number[] = [];
for (let i = 0; i < RUNS; i++) replayCpu.push(await cpuOnceAsync(replay));
for (const bytes of [segment, fullSegment]) {
  const check = readSegment(bytes);
  if (check.records.length !== records.length || check.skipped.length > 0)
    throw new Error('segment did not read back');
}
const deltas = readSegment(segment).records.filter((r) => r.delta).length;
const partials = records.filter((r) => r.type === 'partial').length;

const utf8 = new TextEncoder();
const jsonBytes = records.reduce((sum, r) => sum + utf8.encode(JSON.stringify(r) + '\n').length, 0);
const ms = (t: Timing): string =>
  `${t.median.toFixed(1)} ms median, ${t.min.toFixed(1)} ms best, ${t.cpuMedian.toFixed(1)} ms CPU median`;

console.log(
  `Node ${process.version}, ${records.length.toLocaleString('en')} records (${deltas.toLocaleString('en')} of ` +
    `${partials.toLocaleString('en')} partials as deltas), segment ${segment.length.toLocaleString('en')} bytes, ` +
    `as self-contained frames ${fullSegment.length.toLocaleString('en')} bytes`,
);
console.log(`  average frame          ${(segment.length / records.length).toFixed(1)} bytes`);
console.log(
  `  encode (encodeFrame)   ${perSecond(records.length, encode.median)} median, ${perSecond(records.length, encode.min)} best`,
);
console.log(
  `  encode (SegmentEncoder) ${perSecond(records.length, encodeDelta.median)} median, ${perSecond(records.length, encodeDelta.min)} best`,
);
console.log(
  `  append (SegmentWriter) ${perSecond(records.length, append.median)} median, ${perSecond(records.length, append.min)} best` +
    ' (into a MemoryByteFile)',
);
console.log(
  `  decode (readSegment)   ${perSecond(records.length, read.median)} median, ${perSecond(records.length, read.min)} best`,
);
console.log(
  `  read ${(segment.length / 2 ** 20).toFixed(1)} MB segment     ${ms(read)} (SegmentWriter's, with deltas)`,
);
console.log(`  readSegmentLazyText    ${ms(readLazy)} (partial texts decoded on demand)`);
console.log(`  read + fold (eager)    ${ms(fold)}; first call ${coldFold.toFixed(1)} ms CPU`);
console.log(`  read + fold (lazy)     ${ms(lazyFold)}; first call ${coldLazyFold.toFixed(1)} ms CPU`);
console.log(
  `  replayWal (recovery)   ${median(replayCpu).toFixed(1)} ms CPU median; first call ${coldReplay.toFixed(1)} ms CPU`,
);
console.log(
  `  read ${(fullSegment.length / 2 ** 20).toFixed(1)} MB segment     ${ms(readFull)} (same records, self-contained frames)`,
);
console.log(
  `  binary / JSON lines    ${(segment.length / jsonBytes).toFixed(3)} with deltas, ` +
    `${(fullSegment.length / jsonBytes).toFixed(3)} self-contained (${jsonBytes.toLocaleString('en')} JSON bytes)`,
);
