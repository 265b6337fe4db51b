/**
 * A synchronous random-access byte file. Implemented over an in-memory buffer (tests), Node's fs
 * (CLI, tests) and OPFS FileSystemSyncAccessHandle (the worker), so the same writer, reader and
 * recovery code runs everywhere.
 *
 * Semantics follow FileSystemSyncAccessHandle: write() at an offset past the end zero-fills the gap;
 * a write() that returns has handed the bytes to the browser/OS (they survive a renderer crash);
 * only flush() makes them survive an OS crash or power loss.
 */
export interface ByteFile {
  /** Current size in bytes. */
  size(): number;
  /** Reads up to `length` bytes at `offset`; shorter at end of file. */
  read(offset: number, length: number): Uint8Array;
  /**
   * Writes all of `data` at `offset`; returns bytes written. Throws on failure (e.g. QuotaExceededError).
   * Implementations must copy `data` before returning and keep no reference: writers pass views of
   * reused encode buffers.
   */
  write(offset: number, data: Uint8Array): number;
  truncate(size: number): void;
  flush(): void;
  close(): void;
}

/** Reads the whole file. Segments are bounded (10 MB), so this is cheap and simple. */
export function readAll(file: ByteFile): Uint8Array {
  return file.read(0, file.size());
}

/** Growable in-memory ByteFile. `failWritesAfter` lets tests inject a disk-full error. */
export class MemoryByteFile implements ByteFile {
  private buf: Uint8Array;
  private len = 0;
  flushCount = 0;
  closed = false;
  /** When set, a write that would grow the file beyond this many bytes throws a QuotaExceededError-like error. */
  quotaBytes: number | null = null;

  constructor(initial?: Uint8Array) {
    this.buf = new Uint8Array(Math.max(64, initial?.length ?? 0));
    if (initial) {
      this.buf.set(initial);
      this.len = initial.length;
    }
  }

  size(): number {
    return this.len;
  }

  read(offset: number, length: number): Uint8Array {
    const end = Math.min(this.len, offset + length);
    return offset >= end ? new Uint8Array(0) : this.buf.slice(offset, end);
  }

  write(offset: number, data: Uint8Array): number {
    this.assertOpen();
    const end = offset + data.length;
    if (this.quotaBytes !== null && end > this.quotaBytes) {
      const err = new Error('MemoryByteFile quota exceeded');
      err.name = 'QuotaExceededError';
      throw err;
    }
    if (end > this.buf.length) {
      const grown = new Uint8Array(Math.max(end, this.buf.length * 2));
      grown.set(this.buf.subarray(0, this.len));
      this.buf = grown;
    }
    if (offset > this.len) this.buf.fill(0, this.len, offset);
    this.buf.set(data, offset);
    this.len = Math.max(this.len, end);
    return data.length;
  }

  truncate(size: number): void {
    this.assertOpen();
    if (size > this.buf.length) {
      const grown = new Uint8Array(size);
      grown.set(this.buf.subarray(0, this.len));
      this.buf = grown;
    }
    if (size > this.len) this.buf.fill(0, this.len, size);
    this.len = size;
  }

  flush(): void {
    this.assertOpen();
    this.flushCount++;
  }

  close(): void {
    this.closed = true;
  }

  /** A copy of the current contents. */
  bytes(): Uint8Array {
    return this.buf.slice(0, this.len);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('MemoryByteFile is closed');
  }
}
