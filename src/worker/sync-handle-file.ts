/**
 * ByteFile over an OPFS FileSystemSyncAccessHandle (dedicated workers only): the synchronous
 * read/write/flush the platform-free WAL code drives. Used by OpfsFileStore and by the bench's
 * contender workers, so both measure and run the same adapter.
 */
import type { ByteFile } from '../core/byte-file.ts';

export class SyncHandleFile implements ByteFile {
  constructor(
    private readonly handle: FileSystemSyncAccessHandle,
    readonly path: string,
  ) {}
  size(): number {
    return this.handle.getSize();
  }
  read(offset: number, length: number): Uint8Array {
    const n = Math.max(0, Math.min(length, this.handle.getSize() - offset));
    const buf = new Uint8Array(n);
    if (n > 0) this.handle.read(buf, { at: offset });
    return buf;
  }
  write(offset: number, data: Uint8Array): number {
    return this.handle.write(data as Uint8Array<ArrayBuffer>, { at: offset });
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
