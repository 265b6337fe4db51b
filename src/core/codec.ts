/**
 * Payload codec: the fields of each WalRecord as varints and length-prefixed UTF-8 strings.
 * The record type lives in the frame header (framing.ts), not in the payload. Layouts are written
 * down field by field in docs/WAL-FORMAT.md; keep the two in step.
 *
 * Every payload starts with the same three fields, then the type's own ones:
 *   sessionId: string, seq: varint, at: varint (Unix ms)
 */
import { PayloadError, type ByteReader, type ByteWriter } from './bytes.ts';
import { RecordTypeCode, type PartialRecord, type WalRecord, type WalRecordType } from './records.ts';

/** records.ts promises session ids of at most 64 bytes; enforced both ways so fuzzed ids are rejected. */
export const MAX_SESSION_ID_BYTES = 64;

export const TYPE_CODE_BY_TYPE: Readonly<Record<WalRecordType, RecordTypeCode>> = {
  'session-start': RecordTypeCode.SESSION_START,
  partial: RecordTypeCode.PARTIAL,
  final: RecordTypeCode.FINAL,
  'session-stop': RecordTypeCode.SESSION_STOP,
  checkpoint: RecordTypeCode.CHECKPOINT,
  'session-delete': RecordTypeCode.SESSION_DELETE,
};

/**
 * Type codes decodePayload understands (one per WalRecord type). PARTIAL_DELTA is known too, but
 * needs the segment's decode state (framing.ts); any other code with a good CRC is a newer type.
 */
export function isKnownTypeCode(code: number): code is RecordTypeCode {
  return code >= RecordTypeCode.SESSION_START && code <= RecordTypeCode.SESSION_DELETE;
}

/**
 * Confidence 0..1 is stored as permille + 1 so that 0 can mean "none" (null) in one byte-cheap varint.
 * Out-of-range values are clamped and NaN becomes null: the recogniser's number is advisory, and an
 * append must not fail because of it. Precision is 0.001 by design.
 */
export function encodeConfidence(confidence: number | null): number {
  if (confidence === null || Number.isNaN(confidence)) return 0;
  return Math.round(Math.min(1, Math.max(0, confidence)) * 1000) + 1;
}

export function decodeConfidence(stored: number): number | null {
  if (stored === 0) return null;
  if (stored > 1001) throw new PayloadError(`confidence ${stored} out of range`);
  return (stored - 1) / 1000;
}

/** The fields every payload starts with: sessionId, seq, at. */
function encodeCommon(writer: ByteWriter, record: WalRecord): void {
  const idStart = writer.pos;
  writer.string(record.sessionId);
  if (writer.pos - idStart - 1 > MAX_SESSION_ID_BYTES) {
    throw new RangeError(`sessionId longer than ${MAX_SESSION_ID_BYTES} bytes: ${record.sessionId}`);
  }
  writer.varint(record.seq);
  writer.varint(record.at);
}

/** Appends the payload of `record` to `writer`; returns its type code. Throws RangeError on invalid fields. */
export function encodePayload(writer: ByteWriter, record: WalRecord): RecordTypeCode {
  encodeCommon(writer, record);
  switch (record.type) {
    case 'session-start':
      writer.string(record.title);
      writer.string(record.source);
      writer.string(record.lang);
      break;
    case 'partial':
      writer.varint(record.utterance);
      writer.varint(record.startMs);
      writer.string(record.text);
      break;
    case 'final':
      writer.varint(record.utterance);
      writer.varint(record.startMs);
      writer.varint(record.endMs);
      writer.varint(encodeConfidence(record.confidence));
      writer.string(record.text);
      break;
    case 'session-stop':
      writer.string(record.reason);
      break;
    case 'checkpoint':
      writer.varint(record.upToSeq);
      writer.varint(record.finals);
      break;
    case 'session-delete':
      break;
    default: {
      const unknown: never = record;
      throw new RangeError(`unknown record type ${(unknown as { type: string }).type}`);
    }
  }
  return TYPE_CODE_BY_TYPE[record.type];
}

/**
 * A PARTIAL payload whose text is given as its UTF-8 bytes (`textBytes` must be the UTF-8 encoding
 * of `record.text`): the same bytes encodePayload writes, without encoding the text again.
 */
export function encodePartialPayload(writer: ByteWriter, record: PartialRecord, textBytes: Uint8Array): void {
  encodeCommon(writer, record);
  writer.varint(record.utterance);
  writer.varint(record.startMs);
  writer.lengthPrefixed(textBytes);
}

/**
 * A PARTIAL_DELTA payload: sessionId, seq, at, utterance, startMs, baseGap (= seq − baseSeq, ≥ 1),
 * prefixBytes, suffix (string). `suffix` is the UTF-8 of the record's text after its first
 * `prefixBytes` bytes, which it shares with the base partial (the caller's job; see SegmentEncoder).
 */
export function encodePartialDeltaPayload(
  writer: ByteWriter,
  record: PartialRecord,
  baseSeq: number,
  prefixBytes: number,
  suffix: Uint8Array,
): void {
  if (!(baseSeq < record.seq)) throw new RangeError(`delta base seq ${baseSeq} not before seq ${record.seq}`);
  encodeCommon(writer, record);
  writer.varint(record.utterance);
  writer.varint(record.startMs);
  writer.varint(record.seq - baseSeq);
  writer.varint(prefixBytes);
  writer.lengthPrefixed(suffix);
}

/** The fields of a PARTIAL_DELTA payload; the suffix stays bytes until the base's prefix is joined to it. */
export interface PartialDeltaFields {
  sessionId: string;
  seq: number;
  at: number;
  utterance: number;
  startMs: number;
  baseSeq: number;
  prefixBytes: number;
  /** The suffix's bytes are `reader.bytes[suffixStart, suffixEnd)` (not yet checked to be UTF-8). */
  suffixStart: number;
  suffixEnd: number;
}

/**
 * Decodes a PARTIAL_DELTA payload (reader positioned at its first byte, ending at its last) into
 * `into` (reused by the segment reader: no object per frame), and returns it. Throws
 * PayloadError for a malformed field, a base gap of 0 or beyond seq, or bytes missing or left over.
 * Whether the suffix is UTF-8 is checked when the text is rebuilt (it needs the base's prefix).
 */
export function decodePartialDeltaPayload(reader: ByteReader, into: PartialDeltaFields): PartialDeltaFields {
  const idStart = reader.pos;
  into.sessionId = reader.internedString();
  if (reader.pos - idStart - 1 > MAX_SESSION_ID_BYTES) throw new PayloadError('sessionId too long');
  const seq = reader.varint();
  into.seq = seq;
  into.at = reader.varint();
  into.utterance = reader.varint();
  into.startMs = reader.varint();
  const baseGap = reader.varint();
  if (baseGap === 0 || baseGap > seq) throw new PayloadError(`delta base gap ${baseGap} with seq ${seq}`);
  into.baseSeq = seq - baseGap;
  into.prefixBytes = reader.varint();
  reader.rawString();
  if (reader.remaining !== 0) throw new PayloadError(`${reader.remaining} bytes left over after the payload`);
  into.suffixStart = reader.stringStart;
  into.suffixEnd = reader.pos;
  return into;
}

/**
 * Decodes the payload in `reader` (positioned at its first byte, ending at its last) as a record of
 * type `code`. Throws PayloadError when a field is malformed or bytes are missing or left over.
 */
export function decodePayload(reader: ByteReader, code: RecordTypeCode): WalRecord {
  const idStart = reader.pos;
  const sessionId = reader.internedString();
  // Same byte count as encodePayload checks (a length ≤ 127 has a 1-byte prefix; longer ids fail anyway).
  if (reader.pos - idStart - 1 > MAX_SESSION_ID_BYTES) throw new PayloadError('sessionId too long');
  const seq = reader.varint();
  const at = reader.varint();
  let record: WalRecord;
  switch (code) {
    case RecordTypeCode.SESSION_START: {
      const title = reader.string();
      const source = reader.string();
      const lang = reader.string();
      record = { type: 'session-start', sessionId, seq, at, title, source, lang };
      break;
    }
    case RecordTypeCode.PARTIAL: {
      const utterance = reader.varint();
      const startMs = reader.varint();
      const text = reader.string();
      record = { type: 'partial', sessionId, seq, at, utterance, startMs, text };
      break;
    }
    case RecordTypeCode.FINAL: {
      const utterance = reader.varint();
      const startMs = reader.varint();
      const endMs = reader.varint();
      const confidence = decodeConfidence(reader.varint());
      const text = reader.string();
      record = { type: 'final', sessionId, seq, at, utterance, startMs, endMs, text, confidence };
      break;
    }
    case RecordTypeCode.SESSION_STOP:
      record = { type: 'session-stop', sessionId, seq, at, reason: reader.string() };
      break;
    case RecordTypeCode.CHECKPOINT: {
      const upToSeq = reader.varint();
      const finals = reader.varint();
      record = { type: 'checkpoint', sessionId, seq, at, upToSeq, finals };
      break;
    }
    case RecordTypeCode.SESSION_DELETE:
      record = { type: 'session-delete', sessionId, seq, at };
      break;
    default:
      throw new PayloadError(`unknown record type code ${code as number}`);
  }
  if (reader.remaining !== 0) throw new PayloadError(`${reader.remaining} bytes left over after the payload`);
  return record;
}
