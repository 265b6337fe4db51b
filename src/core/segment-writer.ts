/**
 * Appends framed records to one WAL segment through a ByteFile.
 *
 * Each record is a single write() of its whole frame: once write() returns, the frame is with the
 * browser/OS and survives a renderer crash (see byte-file.ts). Durability against power loss is
 * the caller's flush() policy. A failed write (e.g. QuotaExceededError) must not leave a torn frame
 * in the middle of the segment, because later appends would land after it: the writer keeps its
 * offset and truncates back before rethrowing.
 *
 * append(record) encodes through the writer's own SegmentEncoder (one writer = one segment = one
 * encoder), so partials extending the previous partial of their utterance become PARTIAL_DELTA
 * frames. Their bases are always frames this writer appended earlier (never bytes from before
 * `startOffset`), and frames handed to appendEncoded are shown to the encoder so that a later
 * delta never refers to a base the reader will not have.
 */
import type { ByteFile } from './byte-file.ts';
import type { WalRecord } from './records.ts';
import { SegmentEncoder, type SegmentEncoderOptions } from './segment-encoder.ts';

export interface AppendResult {
  /** Offset of the frame in the segment. */
  offset: number;
  /** Frame length in bytes (header included). */
  length: number;
}

export class SegmentWriter {
  private readonly file: ByteFile;
  private end: number;
  private closed = false;
  private readonly encoder: SegmentEncoder;

  /**
   * @param startOffset where the next frame goes; defaults to the file's size. When resuming a
   *   segment after recovery pass readSegment(...).validEnd: anything after it is truncated away.
   * @param encoderOptions delta/keyframe tuning of the segment's encoder (tests and benches).
   */
  constructor(file: ByteFile, startOffset?: number, encoderOptions?: SegmentEncoderOptions) {
    this.file = file;
    this.encoder = new SegmentEncoder(encoderOptions);
    const size = file.size();
    this.end = startOffset ?? size;
    if (!Number.isSafeInteger(this.end) || this.end < 0 || this.end > size) {
      throw new RangeError(`startOffset ${startOffset} outside the file (size ${size})`);
    }
    if (this.end < size) file.truncate(this.end);
  }

  /** Appends `record`'s frame: a PARTIAL_DELTA when it extends its utterance's previous partial here. */
  append(record: WalRecord): AppendResult {
    if (this.closed) throw new Error('SegmentWriter is closed');
    // The transient frame is only read by write(), which copies it (OPFS, fs, MemoryByteFile all do).
    const frame = this.encoder.encodeTransient(record);
    try {
      return this.write(frame);
    } catch (error) {
      // The frame is not in the segment, so it must not become a later delta's base.
      this.encoder.forget(record);
      throw error;
    }
  }

  /**
   * Appends already framed records (e.g. from encodeFrame or a compaction copy), as they are.
   * Mixing with append() is allowed: the encoder drops what these frames touch (their utterances'
   * or sessions' delta state), so the next partial of such an utterance is written in full.
   */
  appendEncoded(frame: Uint8Array): AppendResult {
    if (this.closed) throw new Error('SegmentWriter is closed');
    const result = this.write(frame);
    this.encoder.observe(frame);
    return result;
  }

  private write(frame: Uint8Array): AppendResult {
    const offset = this.end;
    try {
      const written = this.file.write(offset, frame);
      if (written !== frame.length) throw new Error(`short write: ${written} of ${frame.length} bytes`);
    } catch (error) {
      this.dropPartialFrame(offset);
      throw error;
    }
    this.end = offset + frame.length;
    return { offset, length: frame.length };
  }

  /** Bytes in the segment, i.e. the offset of the next frame. */
  get size(): number {
    return this.end;
  }

  flush(): void {
    if (this.closed) throw new Error('SegmentWriter is closed');
    this.file.flush();
  }

  /** Flushes and closes the file. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.file.flush();
    } finally {
      this.file.close();
    }
  }

  /** Best effort: the original write error is what the caller must see, so a failing truncate is ignored. */
  private dropPartialFrame(offset: number): void {
    try {
      if (this.file.size() > offset) this.file.truncate(offset);
    } catch {
      // The reader treats a leftover partial frame as a torn tail / resyncs past it, so nothing is lost.
    }
  }
}
