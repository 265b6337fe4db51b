/**
 * Appends framed records to one WAL segment through a ByteFile.
 *
 * Each record is a single write() of its whole frame: once write() returns, the frame is with the
 * browser/OS and survives a renderer crash (see byte-file.ts). Durability against power loss is
 * the caller's flush() policy. A failed write (e.g. QuotaExceededError) must not leave a torn frame
 * in the middle of the segment, because later appends would land after it: the writer keeps its
 * offset and truncates back before rethrowing.
 */
import type { ByteFile } from './byte-file.ts';
import { encodeFrameTransient } from './framing.ts';
import type { WalRecord } from './records.ts';

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

  /**
   * @param startOffset where the next frame goes; defaults to the file's size. When resuming a
   *   segment after recovery pass readSegment(...).validEnd: anything after it is truncated away.
   */
  constructor(file: ByteFile, startOffset?: number) {
    this.file = file;
    const size = file.size();
    this.end = startOffset ?? size;
    if (!Number.isSafeInteger(this.end) || this.end < 0 || this.end > size) {
      throw new RangeError(`startOffset ${startOffset} outside the file (size ${size})`);
    }
    if (this.end < size) file.truncate(this.end);
  }

  append(record: WalRecord): AppendResult {
    // The transient frame is only read by write(), which copies it (OPFS, fs, MemoryByteFile all do).
    return this.appendEncoded(encodeFrameTransient(record));
  }

  /** Appends an already framed record (e.g. from encodeFrame or a compaction copy). */
  appendEncoded(frame: Uint8Array): AppendResult {
    if (this.closed) throw new Error('SegmentWriter is closed');
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
