/**
 * ByteFile over a Node file descriptor, for the CLI and Node tests. Mirrors MemoryByteFile and
 * FileSystemSyncAccessHandle: positional reads and writes, a write past the end zero-fills the gap,
 * flush() is fsync.
 */
import fs from 'node:fs';
import type { ByteFile } from '../src/core/byte-file.ts';

export type FsByteFileMode = 'r' | 'rw' | 'create';

const { O_RDONLY, O_RDWR, O_CREAT } = fs.constants;

/**
 * open(2) flags per mode. Never O_APPEND (Linux then ignores write positions) and never O_TRUNC:
 * 'create' makes a missing file and keeps an existing one, like getFileHandle({ create: true }).
 */
const OPEN_FLAGS: Record<FsByteFileMode, number> = {
  r: O_RDONLY,
  rw: O_RDWR,
  create: O_RDWR | O_CREAT,
};

export class FsByteFile implements ByteFile {
  private fd: number | null;
  readonly path: string;
  readonly mode: FsByteFileMode;

  private constructor(path: string, mode: FsByteFileMode, fd: number) {
    this.path = path;
    this.mode = mode;
    this.fd = fd;
  }

  /** Opens `path`; throws the fs error (ENOENT, EACCES, …) when it cannot. */
  static open(path: string, mode: FsByteFileMode): FsByteFile {
    return new FsByteFile(path, mode, fs.openSync(path, OPEN_FLAGS[mode], 0o644));
  }

  size(): number {
    return fs.fstatSync(this.openFd()).size;
  }

  read(offset: number, length: number): Uint8Array {
    const fd = this.openFd();
    const available = Math.max(0, Math.min(length, fs.fstatSync(fd).size - offset));
    const out = new Uint8Array(available);
    let done = 0;
    while (done < available) {
      const n = fs.readSync(fd, out, done, available - done, offset + done);
      if (n === 0) break;
      done += n;
    }
    return done === available ? out : out.subarray(0, done);
  }

  write(offset: number, data: Uint8Array): number {
    const fd = this.writableFd();
    let done = 0;
    while (done < data.length) {
      done += fs.writeSync(fd, data, done, data.length - done, offset + done);
    }
    return done;
  }

  truncate(size: number): void {
    fs.ftruncateSync(this.writableFd(), size);
  }

  flush(): void {
    fs.fsyncSync(this.openFd());
  }

  close(): void {
    if (this.fd === null) return;
    const fd = this.fd;
    this.fd = null;
    fs.closeSync(fd);
  }

  private openFd(): number {
    if (this.fd === null) throw new Error(`FsByteFile ${this.path} is closed`);
    return this.fd;
  }

  private writableFd(): number {
    if (this.mode === 'r') throw new Error(`FsByteFile ${this.path} is open read-only`);
    return this.openFd();
  }
}
