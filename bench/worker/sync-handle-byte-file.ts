/** ByteFile over an OPFS FileSystemSyncAccessHandle, for running the project's SegmentWriter in the bench worker. */
import type { ByteFile } from '../../src/core/byte-file.ts';

export class SyncHandleByteFile implements ByteFile {
  constructor(private readonly handle: FileSystemSyncAccessHandle) {}

  size(): number {
    return this.handle.getSize();
  }

  read(offset: number, length: number): Uint8Array {
    const size = this.handle.getSize();
    const buf = new Uint8Array(Math.max(0, Math.min(length, size - offset)));
    const n = this.handle.read(buf, { at: offset });
    return n === buf.length ? buf : buf.subarray(0, n);
  }

  write(offset: number, data: Uint8Array): number {
    return this.handle.write(data, { at: offset });
  }

  truncate(size: number): void {
    this.handle.truncate(size);
  }

  flush(): void {
    this.handle.flush();
  }

  close(): void {
    this.handle.close();
  }
}
