/**
 * The WAL CLI's commands over segments already read into memory. Each returns its exit status and
 * writes lines through `out`, so tests and the CLI entry point (wal-cli.ts) share them.
 */
import fs from 'node:fs';
import { compactRecords } from '../src/core/compact.ts';
import {
  FRAME_HEADER_BYTES,
  readSegmentFile,
  type DeltaInfo,
  type SegmentReadResult,
} from '../src/core/framing.ts';
import { SegmentWriter } from '../src/core/segment-writer.ts';
import { FsByteFile } from './fs-byte-file.ts';
import { foldRecords } from '../src/core/recovery-fold.ts';
import { ALL_RECORD_TYPES, type WalRecord, type WalRecordType } from '../src/core/records.ts';

export interface Segment {
  path: string;
  read: SegmentReadResult;
}

export type Out = (line: string) => void;

export const EXIT_OK = 0;
export const EXIT_CORRUPT = 1;
export const EXIT_USAGE = 2;

const TEXT_PREVIEW_CHARS = 60;

function preview(text: string): string {
  const short = text.length > TEXT_PREVIEW_CHARS ? `${text.slice(0, TEXT_PREVIEW_CHARS)}…` : text;
  return JSON.stringify(short);
}

function isoTime(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? `@${ms}` : date.toISOString();
}

/**
 * The type-specific fields of a record as `name=value` pairs, then its text. A partial stored as a
 * PARTIAL_DELTA frame says so: which partial it extends and how many text bytes the frame holds.
 */
function fieldsOf(record: WalRecord, delta: DeltaInfo | undefined): string {
  switch (record.type) {
    case 'session-start':
      return `title=${JSON.stringify(record.title)} source=${record.source} lang=${record.lang || '-'}`;
    case 'partial': {
      const stored = delta ? `(delta base=#${delta.baseSeq}, +${delta.suffixBytes} bytes) ` : '';
      return `utt=${record.utterance} start=${record.startMs}ms ${stored}${preview(record.text)}`;
    }
    case 'final':
      return (
        `utt=${record.utterance} ${record.startMs}-${record.endMs}ms ` +
        `conf=${record.confidence ?? '-'} ${preview(record.text)}`
      );
    case 'session-stop':
      return `reason=${record.reason}`;
    case 'checkpoint':
      return `upToSeq=${record.upToSeq} finals=${record.finals}`;
    case 'session-delete':
      return '';
  }
}

/** Records and skipped ranges of a segment, in file order. */
function entries(read: SegmentReadResult) {
  const list = [
    ...read.records.map((r) => ({
      offset: r.offset,
      length: r.length,
      record: r.record,
      delta: r.delta,
      reason: null,
    })),
    ...read.skipped.map((s) => ({
      offset: s.offset,
      length: s.length,
      record: null,
      delta: undefined,
      reason: s.reason,
    })),
  ];
  return list.sort((a, b) => a.offset - b.offset);
}

export function inspect(segments: Segment[], json: boolean, out: Out): number {
  for (const { path, read } of segments) {
    if (!json)
      out(
        `# ${path}: ${read.totalBytes} bytes, ${read.records.length} records, ${read.skipped.length} skipped`,
      );
    for (const entry of entries(read)) {
      if (json) {
        out(
          JSON.stringify(
            entry.record
              ? {
                  file: path,
                  offset: entry.offset,
                  length: entry.length,
                  record: entry.record,
                  ...(entry.delta ? { delta: entry.delta } : {}),
                }
              : { file: path, offset: entry.offset, length: entry.length, skipped: entry.reason },
          ),
        );
      } else if (entry.record) {
        const r = entry.record;
        const head = `${String(entry.offset).padStart(9)} ${r.type.padEnd(14)} ${r.sessionId} #${r.seq} ${isoTime(r.at)}`;
        const fields = fieldsOf(r, entry.delta);
        out(fields ? `${head} ${fields}` : head);
      } else {
        out(`${String(entry.offset).padStart(9)} SKIPPED        ${entry.length} bytes (${entry.reason})`);
      }
    }
  }
  return EXIT_OK;
}

const skippedBytes = (read: SegmentReadResult): number => read.skipped.reduce((sum, s) => sum + s.length, 0);

export function verify(segments: Segment[], out: Out): number {
  let status = EXIT_OK;
  for (const { path, read } of segments) {
    const summary = `${read.records.length} records, ${read.totalBytes} bytes`;
    if (read.skipped.length === 0) {
      out(`${path}: OK (${summary})`);
      continue;
    }
    status = EXIT_CORRUPT;
    out(
      `${path}: DAMAGED (${summary}; ${read.skipped.length} skipped ranges, ${skippedBytes(read)} bytes; ` +
        `intact up to ${read.validEnd})`,
    );
    for (const s of read.skipped) out(`  offset ${s.offset}: ${s.length} bytes skipped (${s.reason})`);
  }
  return status;
}

export function stats(segments: Segment[], out: Out): number {
  const records = segments.flatMap((s) => s.read.records.map((r) => r.record));
  const byType = new Map<WalRecordType, number>(ALL_RECORD_TYPES.map((t) => [t, 0]));
  const perSession = new Map<string, { partials: number; finals: number; records: number }>();
  for (const record of records) {
    byType.set(record.type, (byType.get(record.type) ?? 0) + 1);
    const counts = perSession.get(record.sessionId) ?? { partials: 0, finals: 0, records: 0 };
    counts.records++;
    if (record.type === 'partial') counts.partials++;
    if (record.type === 'final') counts.finals++;
    perSession.set(record.sessionId, counts);
  }

  out(`records: ${records.length}`);
  for (const [type, count] of byType) out(`  ${type.padEnd(15)} ${count}`);

  const fold = foldRecords(records);
  out(`sessions: ${perSession.size} (${fold.sessions.size} live, ${fold.deleted.size} deleted)`);
  for (const [id, counts] of perSession) {
    const folded = fold.sessions.get(id);
    const status = fold.deleted.has(id) ? 'deleted' : (folded?.status ?? 'unknown');
    const detail = folded
      ? `, ${folded.finals.length} utterances final, ${folded.pending.length} pending` +
        (folded.title ? `, title ${JSON.stringify(folded.title)}` : '')
      : '';
    out(
      `  ${id}: ${status}; ${counts.finals} finals, ${counts.partials} partials, ${counts.records} records${detail}`,
    );
  }

  let total = 0;
  let framed = 0;
  let damaged = 0;
  let frames = 0;
  let deltaFrames = 0;
  let deltaBytes = 0;
  for (const { read } of segments) {
    total += read.totalBytes;
    damaged += skippedBytes(read);
    for (const r of read.records) {
      framed += r.length;
      if (r.delta) {
        deltaFrames++;
        deltaBytes += r.length;
      }
    }
    frames += read.records.length;
  }
  const payload = framed - frames * FRAME_HEADER_BYTES;
  out(`bytes: ${total} total, ${payload} payload, ${framed - payload} frame overhead, ${damaged} skipped`);
  if (frames > 0) out(`  average record ${(framed / frames).toFixed(1)} bytes`);
  if (deltaFrames > 0) {
    out(`  partials stored as deltas: ${deltaFrames} frames, ${deltaBytes} bytes`);
  }
  return EXIT_OK;
}

/**
 * Writes the compacted records of all inputs (in order) to a new segment at `outPath` through a
 * SegmentWriter, so partials are full or delta frames exactly as the app writes them: first to a
 * temporary file next to it, read back and checked, then renamed over, so a crash or a failed check
 * never leaves a half-written OUT (and OUT may be one of the inputs, which are already in memory).
 */
export function compact(segments: Segment[], outPath: string, out: Out): number {
  const records = segments.flatMap((s) => s.read.records.map((r) => r.record));
  const kept = compactRecords(records);
  const tmpPath = `${outPath}.tmp-${process.pid}`;
  try {
    const writer = new SegmentWriter(FsByteFile.open(tmpPath, 'create'), 0);
    try {
      for (const record of kept) writer.append(record);
    } finally {
      writer.close();
    }
    const file = FsByteFile.open(tmpPath, 'r');
    const check = readSegmentFile(file);
    file.close();
    if (check.skipped.length > 0 || check.records.length !== kept.length) {
      throw new Error(`the compacted segment did not read back cleanly; ${outPath} left untouched`);
    }
    fs.renameSync(tmpPath, outPath);
    const inBytes = segments.reduce((sum, s) => sum + s.read.totalBytes, 0);
    const damaged = segments.reduce((sum, s) => sum + s.read.skipped.length, 0);
    out(
      `${outPath}: ${kept.length} of ${records.length} records kept, ${check.totalBytes} bytes (from ${inBytes})` +
        (damaged > 0 ? `; ${damaged} damaged ranges in the input were not carried over` : ''),
    );
    return EXIT_OK;
  } finally {
    fs.rmSync(tmpPath, { force: true });
  }
}
