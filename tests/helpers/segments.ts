/** Segment helpers shared by the reader tests. */
import { MemoryByteFile } from '../../src/core/byte-file.ts';
import type { WalRecord } from '../../src/core/records.ts';
import { SegmentWriter } from '../../src/core/segment-writer.ts';

/** The bytes SegmentWriter writes for `records` (partials become PARTIAL_DELTA frames where it can). */
export function writeSegment(records: WalRecord[]): Uint8Array {
  const file = new MemoryByteFile(new Uint8Array(0));
  const writer = new SegmentWriter(file, 0);
  for (const record of records) writer.append(record);
  return file.bytes();
}

/** A plain copy of a record: a lazy text read through its accessor, like any other field. */
export function plain(record: WalRecord): WalRecord {
  if (record.type !== 'partial') return record;
  const { sessionId, seq, at, utterance, startMs, text } = record;
  return { type: 'partial', sessionId, seq, at, utterance, startMs, text };
}
