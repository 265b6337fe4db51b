/**
 * WAL frames: one self-contained, CRC-protected frame per record, and the corruption-tolerant
 * segment reader. Byte layout (little-endian, see docs/WAL-FORMAT.md for the reasoning):
 *
 *   offset size field
 *        0    2 magic      0xC1 0xF7 — two bytes that never occur in UTF-8 text
 *        2    4 crc        CRC-32 of bytes [6, 12 + length): version, type, length and payload, u32
 *        6    1 version    WAL_FORMAT_VERSION
 *        7    1 type       RecordTypeCode
 *        8    4 length     payload bytes, u32, at most MAX_PAYLOAD_BYTES
 *       12    n payload    codec.ts
 *
 * The reader never throws on bad bytes: damaged, torn or unknown frames become SkippedRanges and
 * the walk resynchronises on the next position where a whole frame validates.
 *
 * Frames are self-contained except PARTIAL_DELTA (written by SegmentEncoder, segment-encoder.ts),
 * whose text extends an earlier PARTIAL of the same utterance in the same segment: the reader keeps
 * the last partial text of each open utterance (PartialTexts) while it walks a segment.
 */
import { ByteReader, ByteWriter, PayloadError, decodeUtf8Strict } from './bytes.ts';
import { readAll, type ByteFile } from './byte-file.ts';
import {
  decodePartialDeltaPayload,
  decodePayload,
  encodePartialDeltaPayload,
  encodePayload,
  isKnownTypeCode,
  MAX_SESSION_ID_BYTES,
  type PartialDeltaFields,
} from './codec.ts';
import { crc32Range } from './crc.ts';
import { checkUtf8, LazyPartialRecord, type LazyPartialFields } from './lazy-text.ts';
import { RecordTypeCode, type PartialRecord, type WalRecord } from './records.ts';

export const WAL_FORMAT_VERSION = 1;
export const MAGIC_BYTE_0 = 0xc1;
export const MAGIC_BYTE_1 = 0xf7;
export const FRAME_HEADER_BYTES = 12;
/** 16 MiB: far above any real record (a 1 MB utterance is already absurd); a larger length is corruption. */
export const MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;

const CRC_OFFSET = 2;
/** The CRC covers everything from here to the end of the payload: one contiguous range. */
const CRC_START = 6;
const VERSION_OFFSET = 6;
const TYPE_OFFSET = 7;
const LENGTH_OFFSET = 8;

export interface FramedRecord {
  /** Byte offset of the frame (its magic) in the segment. */
  offset: number;
  /** Frame length including the header. */
  length: number;
  record: WalRecord;
  /**
   * Present when the frame is a PARTIAL_DELTA: `record.text` was rebuilt from the first
   * `prefixBytes` UTF-8 bytes of the partial with seq `baseSeq` plus `suffixBytes` stored bytes.
   */
  delta?: DeltaInfo;
}

export interface DeltaInfo {
  baseSeq: number;
  prefixBytes: number;
  suffixBytes: number;
}

export type SkipReason =
  | 'bad-magic'
  | 'bad-crc'
  | 'bad-length'
  | 'bad-version'
  | 'unknown-type'
  | 'bad-payload'
  | 'torn-tail'
  /** An intact PARTIAL_DELTA whose base partial is not in the segment intact: its text cannot be rebuilt. */
  | 'missing-base';

export interface SkippedRange {
  offset: number;
  length: number;
  reason: SkipReason;
}

export interface SegmentReadResult {
  /** Intact records in file order. */
  records: FramedRecord[];
  /** Byte ranges not returned as records, in file order; together with `records` they tile the segment. */
  skipped: SkippedRange[];
  /**
   * Offset just past the last frame whose CRC validated (0 when none): a writer resuming this
   * segment truncates to here so new frames do not follow a torn tail.
   */
  validEnd: number;
  totalBytes: number;
}

// ---------------------------------------------------------------------------------------------
// Encoding

/** Reused across calls so encoding allocates only the returned copy. Shrunk after huge records. */
let frameWriter = new ByteWriter(4096);
const RETAINED_WRITER_BYTES = 1024 * 1024;

/** Reserves a frame header at the writer's position; the payload follows. Returns the frame's start. */
export function beginFrame(writer: ByteWriter): number {
  return writer.skip(FRAME_HEADER_BYTES);
}

/** Fills in the header of the frame begun at `start`, whose payload ends at `writer.pos`. */
export function finishFrame(writer: ByteWriter, start: number, code: number): void {
  const payloadLength = writer.pos - start - FRAME_HEADER_BYTES;
  if (payloadLength > MAX_PAYLOAD_BYTES) {
    throw new RangeError(`record payload of ${payloadLength} bytes exceeds ${MAX_PAYLOAD_BYTES}`);
  }
  const buf = writer.buf;
  buf[start] = MAGIC_BYTE_0;
  buf[start + 1] = MAGIC_BYTE_1;
  buf[start + VERSION_OFFSET] = WAL_FORMAT_VERSION;
  buf[start + TYPE_OFFSET] = code;
  setUint32LE(buf, start + LENGTH_OFFSET, payloadLength);
  setUint32LE(buf, start + CRC_OFFSET, crc32Range(buf, start + CRC_START, writer.pos));
}

function writeFrame(writer: ByteWriter, record: WalRecord): void {
  const start = beginFrame(writer);
  finishFrame(writer, start, encodePayload(writer, record));
}

/** No DataView per frame: the writer's buffer changes as it grows. */
function setUint32LE(buf: Uint8Array, at: number, value: number): void {
  buf[at] = value & 0xff;
  buf[at + 1] = (value >>> 8) & 0xff;
  buf[at + 2] = (value >>> 16) & 0xff;
  buf[at + 3] = value >>> 24;
}

function withFrameWriter(encode: (writer: ByteWriter) => void): Uint8Array {
  const writer = frameWriter;
  writer.reset();
  try {
    encode(writer);
    return writer.toBytes();
  } finally {
    if (writer.buf.length > RETAINED_WRITER_BYTES) frameWriter = new ByteWriter(4096);
  }
}

/** One framed record. Throws RangeError for a record that cannot be stored (bad numbers, long id). */
export function encodeFrame(record: WalRecord): Uint8Array {
  return withFrameWriter((writer) => writeFrame(writer, record));
}

/**
 * Like encodeFrame, but returns a view into a buffer reused by the next encode call, so appending
 * to a file (which copies the bytes) allocates no new ArrayBuffer per record. Use it only to hand
 * the bytes straight to a write(); never keep or transfer it.
 */
export function encodeFrameTransient(record: WalRecord): Uint8Array {
  const writer = frameWriter;
  writer.reset();
  writeFrame(writer, record);
  const view = writer.buf.subarray(0, writer.pos);
  // The view keeps the big buffer alive only until the caller drops it.
  if (writer.buf.length > RETAINED_WRITER_BYTES) frameWriter = new ByteWriter(4096);
  return view;
}

/** The frames of `records`, concatenated into one buffer. */
export function encodeFrames(records: WalRecord[]): Uint8Array {
  return withFrameWriter((writer) => {
    for (const record of records) writeFrame(writer, record);
  });
}

const utf8Encoder = new TextEncoder();

/**
 * The PARTIAL_DELTA frame of `record` against the partial with seq `baseSeq`, whose text shares the
 * first `prefixBytes` UTF-8 bytes with `record.text`. SegmentEncoder decides when to write one; this
 * is for tools and tests that must reproduce a delta frame read from a segment.
 */
export function encodePartialDeltaFrame(
  record: PartialRecord,
  baseSeq: number,
  prefixBytes: number,
): Uint8Array {
  const text = utf8Encoder.encode(record.text);
  if (!Number.isSafeInteger(prefixBytes) || prefixBytes < 0 || prefixBytes > text.length) {
    throw new RangeError(`prefixBytes ${prefixBytes} outside the text's ${text.length} bytes`);
  }
  return withFrameWriter((writer) => {
    const start = beginFrame(writer);
    encodePartialDeltaPayload(writer, record, baseSeq, prefixBytes, text.subarray(prefixBytes));
    finishFrame(writer, start, RecordTypeCode.PARTIAL_DELTA);
  });
}

/**
 * A frame around an arbitrary payload, type code and version, with a correct CRC. For tools and
 * tests that must produce frames this version would not write (newer types/versions, bad payloads).
 */
export function encodeRawFrame(
  typeCode: number,
  payload: Uint8Array,
  version = WAL_FORMAT_VERSION,
): Uint8Array {
  const frame = new Uint8Array(FRAME_HEADER_BYTES + payload.length);
  const view = new DataView(frame.buffer);
  frame[0] = MAGIC_BYTE_0;
  frame[1] = MAGIC_BYTE_1;
  frame[VERSION_OFFSET] = version;
  frame[TYPE_OFFSET] = typeCode;
  view.setUint32(LENGTH_OFFSET, payload.length, true);
  frame.set(payload, FRAME_HEADER_BYTES);
  view.setUint32(CRC_OFFSET, crc32Range(frame, CRC_START, frame.length), true);
  return frame;
}

// ---------------------------------------------------------------------------------------------
// Reading

// Negative results of checkFrame(); a positive result is the length of a CRC-valid frame.
const INCOMPLETE_HEADER = -1;
const BAD_MAGIC = -2;
const LENGTH_TOO_BIG = -3;
const PAST_EOF = -4;
const CRC_MISMATCH = -5;

/** Length of the CRC-valid frame at `pos`, or why there is none. Never decodes the payload. */
function checkFrame(bytes: Uint8Array, view: DataView, pos: number): number {
  const total = bytes.length;
  if (pos + FRAME_HEADER_BYTES > total) return INCOMPLETE_HEADER;
  if (bytes[pos] !== MAGIC_BYTE_0 || bytes[pos + 1] !== MAGIC_BYTE_1) return BAD_MAGIC;
  const payloadLength = view.getUint32(pos + LENGTH_OFFSET, true);
  if (payloadLength > MAX_PAYLOAD_BYTES) return LENGTH_TOO_BIG;
  const end = pos + FRAME_HEADER_BYTES + payloadLength;
  if (end > total) return PAST_EOF;
  if (crc32Range(bytes, pos + CRC_START, end) !== view.getUint32(pos + CRC_OFFSET, true)) return CRC_MISMATCH;
  return end - pos;
}

/** The first position ≥ `from` holding a CRC-valid frame, or -1. */
function findNextFrame(bytes: Uint8Array, view: DataView, from: number): number {
  const lastStart = bytes.length - FRAME_HEADER_BYTES;
  let pos = from;
  while (pos <= lastStart) {
    pos = bytes.indexOf(MAGIC_BYTE_0, pos);
    if (pos < 0 || pos > lastStart) return -1;
    if (bytes[pos + 1] === MAGIC_BYTE_1 && checkFrame(bytes, view, pos) > 0) return pos;
    pos++;
  }
  return -1;
}

/** True when bytes[start, end) are all zero (space preallocated or never written). */
export function isAllZero(bytes: Uint8Array, start: number, end = bytes.length): boolean {
  for (let i = start; i < end; i++) if (bytes[i] !== 0) return false;
  return true;
}

/**
 * Why the bytes from `pos` (where checkFrame failed with `failure`) up to the next valid frame
 * were skipped. With no valid frame after them they are the segment's damaged tail: 'torn-tail'
 * when they look like an interrupted append (incomplete frame, or zero-filled space), otherwise
 * the specific damage, so a flipped bit in the last record is still reported as corruption.
 */
function failureReason(failure: number, bytes: Uint8Array, pos: number, atTail: boolean): SkipReason {
  switch (failure) {
    case INCOMPLETE_HEADER:
      return 'torn-tail';
    case PAST_EOF:
      return atTail ? 'torn-tail' : 'bad-length';
    case LENGTH_TOO_BIG:
      return 'bad-length';
    case CRC_MISMATCH:
      return 'bad-crc';
    default:
      return atTail && isAllZero(bytes, pos) ? 'torn-tail' : 'bad-magic';
  }
}

/**
 * The latest partial of each open utterance, by session and utterance: what a PARTIAL_DELTA
 * extends. The reader and SegmentEncoder keep one each and change it by the same rules, so that an
 * encoder only ever refers to a base the reader holds (unless the base frame was damaged):
 * a PARTIAL (full or delta) sets its utterance's entry, a FINAL removes it, SESSION_STOP and
 * SESSION_DELETE remove the session's entries. Memory stays bounded by the open utterances (plus
 * one small map per session seen until its stop or delete).
 */
export class PartialTexts<Entry extends { seq: number }> {
  private readonly bySession = new Map<string, Map<number, Entry>>();
  // Consecutive records mostly belong to one session: remember its map (ids are interned strings).
  private lastSessionId: string | null = null;
  private lastUtterances: Map<number, Entry> | undefined = undefined;

  private utterancesOf(sessionId: string): Map<number, Entry> | undefined {
    if (sessionId !== this.lastSessionId) {
      this.lastSessionId = sessionId;
      this.lastUtterances = this.bySession.get(sessionId);
    }
    return this.lastUtterances;
  }

  get(sessionId: string, utterance: number): Entry | undefined {
    return this.utterancesOf(sessionId)?.get(utterance);
  }

  set(sessionId: string, utterance: number, entry: Entry): void {
    let utterances = this.utterancesOf(sessionId);
    if (!utterances) {
      utterances = new Map();
      this.bySession.set(sessionId, utterances);
      this.lastUtterances = utterances;
    }
    utterances.set(utterance, entry);
  }

  dropUtterance(sessionId: string, utterance: number): void {
    const utterances = this.utterancesOf(sessionId);
    if (utterances) utterances.delete(utterance);
  }

  dropSession(sessionId: string): void {
    this.bySession.delete(sessionId);
    if (sessionId === this.lastSessionId) this.lastUtterances = undefined;
  }

  clear(): void {
    this.bySession.clear();
    this.lastSessionId = null;
    this.lastUtterances = undefined;
  }

  /** Number of utterances with an entry. */
  get size(): number {
    let count = 0;
    for (const utterances of this.bySession.values()) count += utterances.size;
    return count;
  }
}

/**
 * The reader's entry: where the UTF-8 bytes of the utterance's latest partial text are. A full
 * PARTIAL's text is left where it is in the segment (no copy); a text rebuilt from a delta lives in
 * the entry's own buffer, which the next delta of the chain extends in place (its prefix is already
 * there), so a delta costs one copy of its suffix and one decode of the resulting text.
 */
interface ReadPartial {
  seq: number;
  /** The text's bytes are segment[start, start + length) when true, own[0, length) when false. */
  inSegment: boolean;
  start: number;
  length: number;
  own: Uint8Array;
  /** Where the text is for a lazily decoded record (readSegmentLazyText); null when reading eagerly. */
  source: LazyPartialRecord | null;
}

const NO_BYTES = new Uint8Array(0);

/**
 * Rebuild buffers of finished utterances, reused by the next ones: a new small Uint8Array per
 * utterance (its own ArrayBuffer) was the largest single cost of reading delta chains. Bounded so
 * that at most a few hundred KB stay allocated between reads.
 */
const spareTextBuffers: Uint8Array[] = [];
const MAX_SPARE_BUFFERS = 64;
const MAX_SPARE_BUFFER_BYTES = 4096;

function textBuffer(minBytes: number): Uint8Array {
  const spare = spareTextBuffers.pop();
  if (spare !== undefined && spare.length >= minBytes) return spare;
  if (spare !== undefined) spareTextBuffers.push(spare);
  return new Uint8Array(minBytes);
}

/** Gives back a rebuild buffer no entry refers to any more (its texts were decoded or are in the segment). */
function recycleTextBuffer(buffer: Uint8Array): void {
  if (
    buffer !== NO_BYTES &&
    buffer.length <= MAX_SPARE_BUFFER_BYTES &&
    spareTextBuffers.length < MAX_SPARE_BUFFERS
  ) {
    spareTextBuffers.push(buffer);
  }
}

/** Below this a byte loop beats set(subarray(…)), which allocates a view per call. */
const SMALL_COPY_BYTES = 64;

function copyBytes(from: Uint8Array, start: number, count: number, to: Uint8Array, at: number): void {
  if (count < SMALL_COPY_BYTES) {
    for (let i = 0; i < count; i++) to[at + i] = from[start + i];
  } else {
    to.set(from.subarray(start, start + count), at);
  }
}

/** Whether `prefixBytes` cuts `text` (valid UTF-8) between two code points. */
export function isCodePointBoundary(text: Uint8Array, prefixBytes: number): boolean {
  // A UTF-8 continuation byte is 10xxxxxx; any other byte starts a code point.
  return prefixBytes === text.length || (prefixBytes < text.length && (text[prefixBytes] & 0xc0) !== 0x80);
}

const payloadReader = new ByteReader();

/**
 * What the reader makes of one CRC-valid frame: its record, or why it is skipped. For a record
 * rebuilt from a PARTIAL_DELTA, decodeDelta sets `lastWasDelta` and leaves its DeltaInfo's numbers
 * in the three variables below (no object per frame unless a caller wants a DeltaInfo).
 */
type Decoded = WalRecord | SkipReason;
let lastWasDelta = false;
let lastDeltaBaseSeq = 0;
let lastDeltaPrefixBytes = 0;
let lastDeltaSuffixBytes = 0;

/**
 * Decodes the CRC-valid frame at `pos`, or says why it cannot be returned, and applies it to the
 * segment's partial texts (so a later delta finds its base).
 */
function decodeFrame(
  bytes: Uint8Array,
  pos: number,
  frameLength: number,
  partials: PartialTexts<ReadPartial>,
  lazyText: boolean,
): Decoded {
  const version = bytes[pos + VERSION_OFFSET];
  if (version === 0 || version > WAL_FORMAT_VERSION) return 'bad-version';
  const code = bytes[pos + TYPE_OFFSET];
  const end = pos + frameLength;
  payloadReader.reset(bytes, pos + FRAME_HEADER_BYTES, end);
  try {
    if (code === RecordTypeCode.PARTIAL_DELTA) return decodeDelta(bytes, partials, lazyText);
    // A newer writer's record type: intact (its CRC is good) but not ours to interpret.
    if (!isKnownTypeCode(code)) return 'unknown-type';
    const record =
      lazyText && code === RecordTypeCode.PARTIAL
        ? decodeLazyPartial(bytes, end)
        : decodePayload(payloadReader, code);
    switch (record.type) {
      case 'partial': {
        // The text is the payload's last field: remember where its bytes are, copy nothing.
        const start = payloadReader.stringStart;
        const source = lazyText ? (record as LazyPartialRecord) : null;
        const entry = partials.get(record.sessionId, record.utterance);
        if (entry === undefined) {
          const fresh = {
            seq: record.seq,
            inSegment: true,
            start,
            length: end - start,
            own: NO_BYTES,
            source,
          };
          partials.set(record.sessionId, record.utterance, fresh);
        } else {
          entry.seq = record.seq;
          entry.inSegment = true;
          entry.start = start;
          entry.length = end - start;
          entry.source = source;
        }
        break;
      }
      case 'final': {
        const entry = partials.get(record.sessionId, record.utterance);
        if (entry !== undefined) {
          recycleTextBuffer(entry.own);
          partials.dropUtterance(record.sessionId, record.utterance);
        }
        break;
      }
      case 'session-stop':
      case 'session-delete':
        partials.dropSession(record.sessionId);
        break;
    }
    return record;
  } catch (error) {
    if (error instanceof PayloadError) return 'bad-payload';
    throw error;
  }
}

const lazyFields: LazyPartialFields = { sessionId: '', seq: 0, at: 0, utterance: 0, startMs: 0 };

/**
 * A PARTIAL payload (payloadReader set on it, ending at `end`) as a record whose text is decoded
 * when read. Checks exactly what decodePayload checks, the text's UTF-8 included.
 */
function decodeLazyPartial(bytes: Uint8Array, end: number): LazyPartialRecord {
  const reader = payloadReader;
  const fields = lazyFields;
  const idStart = reader.pos;
  fields.sessionId = reader.internedString();
  if (reader.pos - idStart - 1 > MAX_SESSION_ID_BYTES) throw new PayloadError('sessionId too long');
  fields.seq = reader.varint();
  fields.at = reader.varint();
  fields.utterance = reader.varint();
  fields.startMs = reader.varint();
  reader.rawString();
  if (reader.remaining !== 0) throw new PayloadError(`${reader.remaining} bytes left over after the payload`);
  checkUtf8(bytes, reader.stringStart, end);
  return LazyPartialRecord.whole(fields, bytes, reader.stringStart, end);
}

const deltaFields: PartialDeltaFields = {
  sessionId: '',
  seq: 0,
  at: 0,
  utterance: 0,
  startMs: 0,
  baseSeq: 0,
  prefixBytes: 0,
  suffixStart: 0,
  suffixEnd: 0,
};

/** A PARTIAL_DELTA (payloadReader set on its payload) rebuilt on its base, or why it cannot be. */
function decodeDelta(bytes: Uint8Array, partials: PartialTexts<ReadPartial>, lazyText: boolean): Decoded {
  const fields = decodePartialDeltaPayload(payloadReader, deltaFields);
  const { sessionId, utterance, prefixBytes, suffixStart, suffixEnd } = fields;
  const base = partials.get(sessionId, utterance);
  // The base must be the very partial the writer extended: same utterance, seq baseSeq, and long
  // enough to hold the prefix on a code point boundary. Anything else means it was lost (damaged).
  if (
    base === undefined ||
    base.seq !== fields.baseSeq ||
    prefixBytes > base.length ||
    (prefixBytes < base.length &&
      ((base.inSegment ? bytes[base.start + prefixBytes] : base.own[prefixBytes]) & 0xc0) === 0x80)
  ) {
    partials.dropUtterance(sessionId, utterance);
    return 'missing-base';
  }
  const suffixBytes = suffixEnd - suffixStart;
  const length = prefixBytes + suffixBytes;
  if (lazyText) {
    try {
      // The prefix is whole code points of valid UTF-8, so the text is valid exactly when the suffix is.
      checkUtf8(bytes, suffixStart, suffixEnd);
    } catch (error) {
      // As in the eager path: a damaged delta ends its utterance's chain.
      partials.dropUtterance(sessionId, utterance);
      throw error;
    }
  }
  if (base.own.length < length) {
    const grown = textBuffer(Math.max(length, 2 * base.own.length, 128));
    if (!base.inSegment) grown.set(base.own.subarray(0, prefixBytes));
    recycleTextBuffer(base.own);
    base.own = grown;
  }
  const own = base.own;
  if (base.inSegment) copyBytes(bytes, base.start, prefixBytes, own, 0);
  copyBytes(bytes, suffixStart, suffixBytes, own, prefixBytes);
  base.seq = fields.seq;
  base.inSegment = false;
  base.length = length;
  lastWasDelta = true;
  lastDeltaBaseSeq = fields.baseSeq;
  lastDeltaPrefixBytes = prefixBytes;
  lastDeltaSuffixBytes = suffixBytes;
  if (lazyText) {
    // Every ReadPartial made while reading lazily has a source.
    const record = LazyPartialRecord.delta(base.source!, prefixBytes, fields, suffixStart, suffixEnd);
    base.source = record;
    return record;
  }
  let text: string;
  try {
    // The prefix is whole code points of valid UTF-8, so this fails exactly when the suffix is not UTF-8.
    text = decodeUtf8Strict(own.subarray(0, length));
  } catch (error) {
    // The base's bytes after the prefix are overwritten: nothing can extend this entry any more.
    partials.dropUtterance(sessionId, utterance);
    lastWasDelta = false;
    throw error;
  }
  return {
    type: 'partial',
    sessionId,
    seq: fields.seq,
    at: fields.at,
    utterance,
    startMs: fields.startMs,
    text,
  };
}

/**
 * Receives what scanSegment finds, in file order: every intact record and every skipped range,
 * which together tile the segment exactly as readSegment's `records` and `skipped` do.
 */
export interface SegmentVisitor {
  /** An intact record, read from the frame at bytes[offset, offset + length). */
  record(record: WalRecord, offset: number, length: number): void;
  /** A range that yields no record, and why (see SkipReason). */
  skipped(offset: number, length: number, reason: SkipReason): void;
}

/** What scanSegment returns besides what it hands its visitor. */
export interface SegmentScanResult {
  /** As SegmentReadResult.validEnd. */
  validEnd: number;
  totalBytes: number;
}

/** The visitor walkSegment calls; `isDelta` says the record was rebuilt from a PARTIAL_DELTA. */
interface FrameSink {
  record(record: WalRecord, offset: number, length: number, isDelta: boolean): void;
  skipped(offset: number, length: number, reason: SkipReason): void;
}

/**
 * Reads every intact record of a segment. Walks frames from offset 0; a damaged stretch is reported
 * and skipped by scanning forward byte by byte to the next frame whose magic, length and CRC all
 * validate. Never throws on bad bytes; each loop iteration advances by at least one byte.
 * PARTIAL_DELTA frames come back as ordinary partial records with their full text (and `delta`).
 */
export function readSegment(bytes: Uint8Array): SegmentReadResult {
  return collectSegment(bytes, false);
}

/**
 * readSegment, except that the `text` of partial records (full or rebuilt from a delta) is decoded
 * on first read instead of while reading: the same records, skipped ranges and validEnd, the same
 * checks (every text is validated as UTF-8 while reading), but a reader that only looks at the
 * latest partial of each utterance (recovery) skips creating most strings. `bytes` must not be
 * modified while the records are in use.
 */
export function readSegmentLazyText(bytes: Uint8Array): SegmentReadResult {
  return collectSegment(bytes, true);
}

/**
 * readSegmentLazyText without the arrays: hands each record and skipped range to `visitor` as soon
 * as it is read, so a caller that folds as it goes (recovery) keeps only what it needs and the
 * records it drops die young. The same records (partials as lazily decoded LazyPartialRecords),
 * the same skipped ranges with the same reasons, in the same order, and the same validEnd as
 * readSegmentLazyText. Never throws on bad bytes (a visitor's own exception propagates).
 * `bytes` must not be modified while the records are in use.
 */
export function scanSegment(bytes: Uint8Array, visitor: SegmentVisitor): SegmentScanResult {
  return walkSegment(bytes, true, visitor);
}

function collectSegment(bytes: Uint8Array, lazyText: boolean): SegmentReadResult {
  const records: FramedRecord[] = [];
  const skipped: SkippedRange[] = [];
  const { validEnd, totalBytes } = walkSegment(bytes, lazyText, {
    record(record, offset, length, isDelta) {
      if (!isDelta) records.push({ offset, length, record });
      else {
        const delta = {
          baseSeq: lastDeltaBaseSeq,
          prefixBytes: lastDeltaPrefixBytes,
          suffixBytes: lastDeltaSuffixBytes,
        };
        records.push({ offset, length, record, delta });
      }
    },
    skipped(offset, length, reason) {
      skipped.push({ offset, length, reason });
    },
  });
  return { records, skipped, validEnd, totalBytes };
}

function walkSegment(bytes: Uint8Array, lazyText: boolean, sink: FrameSink): SegmentScanResult {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const total = bytes.length;
  const partials = new PartialTexts<ReadPartial>();
  let validEnd = 0;
  let pos = 0;
  while (pos < total) {
    const check = checkFrame(bytes, view, pos);
    if (check > 0) {
      lastWasDelta = false;
      const decoded = decodeFrame(bytes, pos, check, partials, lazyText);
      const start = pos;
      pos += check;
      validEnd = pos;
      if (typeof decoded === 'string') sink.skipped(start, check, decoded);
      else sink.record(decoded, start, check, lastWasDelta);
      continue;
    }
    const next = findNextFrame(bytes, view, pos + 1);
    const end = next < 0 ? total : next;
    const reason = failureReason(check, bytes, pos, next < 0);
    const start = pos;
    pos = end;
    sink.skipped(start, end - start, reason);
  }
  return { validEnd, totalBytes: total };
}

const hintDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The session ids named by the frames of a segment, found cheaply: it follows frame lengths from
 * offset 0 and reads each frame's leading session id, checking neither CRCs nor anything else in the
 * payload (where a header is not a frame start it looks for the next magic). For planning work
 * before a real read (recovery loads each session's base before folding), never for deciding what
 * a segment holds: on damaged bytes the set may name ids no intact frame holds, and a corrupt
 * length can make it jump over frames and miss their ids. On a segment without damage it holds every
 * id readSegment returns a record of (and the ids of intact frames it skips, e.g. unknown types).
 * Never throws.
 */
export function sessionIdHints(bytes: Uint8Array): Set<string> {
  const ids = new Set<string>();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lastStart = bytes.length - FRAME_HEADER_BYTES;
  // The previous frame's id bytes: consecutive frames mostly share them, so most ids cost a compare.
  let knownStart = 0;
  let knownLength = -1;
  let pos = 0;
  while (pos <= lastStart) {
    if (bytes[pos] !== MAGIC_BYTE_0 || bytes[pos + 1] !== MAGIC_BYTE_1) {
      pos = bytes.indexOf(MAGIC_BYTE_0, pos + 1);
      if (pos < 0) break;
      continue;
    }
    const payloadLength = view.getUint32(pos + LENGTH_OFFSET, true);
    const end = pos + FRAME_HEADER_BYTES + payloadLength;
    if (payloadLength === 0 || payloadLength > MAX_PAYLOAD_BYTES || end > bytes.length) {
      pos++;
      continue;
    }
    // An id of at most 64 bytes has a one-byte length.
    const idLength = bytes[pos + FRAME_HEADER_BYTES];
    const idStart = pos + FRAME_HEADER_BYTES + 1;
    if (
      idLength <= MAX_SESSION_ID_BYTES &&
      idStart + idLength <= end &&
      !sameBytes(bytes, idStart, knownStart, idLength, knownLength)
    ) {
      try {
        ids.add(hintDecoder.decode(bytes.subarray(idStart, idStart + idLength)));
        knownStart = idStart;
        knownLength = idLength;
      } catch {
        // Not UTF-8: not an id of an intact frame.
      }
    }
    pos = end;
  }
  return ids;
}

function sameBytes(bytes: Uint8Array, a: number, b: number, length: number, bLength: number): boolean {
  if (length !== bLength) return false;
  for (let i = 0; i < length; i++) if (bytes[a + i] !== bytes[b + i]) return false;
  return true;
}

/** readSegment over a whole ByteFile (segments are bounded at ~10 MB, so one read is fine). */
export function readSegmentFile(file: ByteFile): SegmentReadResult {
  return readSegment(readAll(file));
}
