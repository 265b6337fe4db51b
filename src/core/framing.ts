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
 */
import { ByteReader, ByteWriter, PayloadError } from './bytes.ts';
import { readAll, type ByteFile } from './byte-file.ts';
import { decodePayload, encodePayload, isKnownTypeCode } from './codec.ts';
import { crc32Range } from './crc.ts';
import type { WalRecord } from './records.ts';

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
}

export type SkipReason =
  'bad-magic' | 'bad-crc' | 'bad-length' | 'bad-version' | 'unknown-type' | 'bad-payload' | 'torn-tail';

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

function writeFrame(writer: ByteWriter, record: WalRecord): void {
  const start = writer.skip(FRAME_HEADER_BYTES);
  const code = encodePayload(writer, record);
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

function isAllZero(bytes: Uint8Array, start: number): boolean {
  for (let i = start; i < bytes.length; i++) if (bytes[i] !== 0) return false;
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

const payloadReader = new ByteReader();

/** Decodes the payload of the CRC-valid frame at `pos`, or says why it cannot be returned. */
function decodeFrame(bytes: Uint8Array, pos: number, frameLength: number): WalRecord | SkipReason {
  const version = bytes[pos + VERSION_OFFSET];
  if (version === 0 || version > WAL_FORMAT_VERSION) return 'bad-version';
  const code = bytes[pos + TYPE_OFFSET];
  // A newer writer's record type: intact (its CRC is good) but not ours to interpret.
  if (!isKnownTypeCode(code)) return 'unknown-type';
  payloadReader.reset(bytes, pos + FRAME_HEADER_BYTES, pos + frameLength);
  try {
    return decodePayload(payloadReader, code);
  } catch (error) {
    if (error instanceof PayloadError) return 'bad-payload';
    throw error;
  }
}

/**
 * Reads every intact record of a segment. Walks frames from offset 0; a damaged stretch is reported
 * and skipped by scanning forward byte by byte to the next frame whose magic, length and CRC all
 * validate. Never throws on bad bytes; each loop iteration advances by at least one byte.
 */
export function readSegment(bytes: Uint8Array): SegmentReadResult {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const total = bytes.length;
  const records: FramedRecord[] = [];
  const skipped: SkippedRange[] = [];
  let validEnd = 0;
  let pos = 0;
  while (pos < total) {
    const check = checkFrame(bytes, view, pos);
    if (check > 0) {
      const decoded = decodeFrame(bytes, pos, check);
      if (typeof decoded === 'string') skipped.push({ offset: pos, length: check, reason: decoded });
      else records.push({ offset: pos, length: check, record: decoded });
      pos += check;
      validEnd = pos;
      continue;
    }
    const next = findNextFrame(bytes, view, pos + 1);
    const end = next < 0 ? total : next;
    skipped.push({ offset: pos, length: end - pos, reason: failureReason(check, bytes, pos, next < 0) });
    pos = end;
  }
  return { records, skipped, validEnd, totalBytes: total };
}

/** readSegment over a whole ByteFile (segments are bounded at ~10 MB, so one read is fine). */
export function readSegmentFile(file: ByteFile): SegmentReadResult {
  return readSegment(readAll(file));
}
