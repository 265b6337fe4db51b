/**
 * FileStore over the Origin Private File System. Directory operations use the async handles; files
 * are opened with createSyncAccessHandle() (exclusive, synchronous read/write/flush — only available
 * in dedicated workers), wrapped as a ByteFile so the platform-free engine drives them directly.
 */
import type { ByteFile } from '../core/byte-file.ts';
import { SyncHandleFile } from './sync-handle-file.ts';
import { PersistenceError, classifyStorageError } from '../shared/persistence-api.ts';
import type { DirEntry, FileStore } from '../store/types.ts';

const READ_RETRIES = 4;

function isNotFound(error: unknown): boolean {
  return (
    error instanceof DOMException && (error.name === 'NotFoundError' || error.name === 'TypeMismatchError')
  );
}

function split(path: string): { dirs: string[]; name: string } {
  const parts = path.split('/').filter((p) => p !== '');
  const name = parts.pop() ?? '';
  return { dirs: parts, name };
}

export class OpfsFileStore implements FileStore {
  private constructor(private readonly root: FileSystemDirectoryHandle) {}

  /** Throws PersistenceError('opfs-unavailable') when OPFS or sync access handles are missing. */
  static async open(): Promise<OpfsFileStore> {
    const unavailable = (why: string) =>
      new PersistenceError(
        'opfs-unavailable',
        `This browser does not provide the Origin Private File System with synchronous access handles (${why}), which Scribe Vault needs to store transcripts safely. Private windows often lack it.`,
      );
    if (
      typeof navigator === 'undefined' ||
      !navigator.storage ||
      typeof navigator.storage.getDirectory !== 'function'
    ) {
      throw unavailable('navigator.storage.getDirectory is missing');
    }
    if (
      typeof FileSystemFileHandle === 'undefined' ||
      typeof (FileSystemFileHandle.prototype as { createSyncAccessHandle?: unknown })
        .createSyncAccessHandle !== 'function'
    ) {
      throw unavailable('createSyncAccessHandle is missing');
    }
    let root: FileSystemDirectoryHandle;
    try {
      root = await navigator.storage.getDirectory();
    } catch (error) {
      throw unavailable(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    }
    const store = new OpfsFileStore(root);
    await store.probe(unavailable);
    return store;
  }

  /** Opens and closes a sync handle once, so a browser that has the API but refuses it fails at start-up. */
  private async probe(unavailable: (why: string) => PersistenceError): Promise<void> {
    const name = `.probe-${Math.random().toString(36).slice(2)}`;
    try {
      const fh = await this.root.getFileHandle(name, { create: true });
      const h = await fh.createSyncAccessHandle();
      h.close();
    } catch (error) {
      throw unavailable(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    } finally {
      await this.root.removeEntry(name).catch(() => undefined);
    }
  }

  /**
   * Handles of the top-level directories (wal, ring, sessions), which are never removed: every path
   * walk starts one step further down. Deeper directories are removed and recreated, so not cached.
   */
  private readonly topDirs = new Map<string, FileSystemDirectoryHandle>();

  private async dir(dirs: string[], create: boolean): Promise<FileSystemDirectoryHandle | null> {
    let d = this.root;
    const top = dirs[0];
    const cached = top === undefined ? undefined : this.topDirs.get(top);
    if (top !== undefined && !cached) {
      try {
        d = await this.root.getDirectoryHandle(top, { create });
      } catch (error) {
        if (isNotFound(error)) return null;
        throw error;
      }
      this.topDirs.set(top, d);
    } else if (cached) {
      d = cached;
    }
    for (const part of dirs.slice(1)) {
      try {
        d = await d.getDirectoryHandle(part, { create });
      } catch (error) {
        if (isNotFound(error)) return null;
        throw error;
      }
    }
    return d;
  }

  private async fileHandle(path: string): Promise<FileSystemFileHandle | null> {
    const { dirs, name } = split(path);
    const d = await this.dir(dirs, false);
    if (!d) return null;
    try {
      return await d.getFileHandle(name);
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async list(dir: string): Promise<DirEntry[]> {
    const d = await this.dir(split(`${dir}/x`).dirs, false);
    if (!d) return [];
    const out: DirEntry[] = [];
    const iterable = d as unknown as AsyncIterable<[string, FileSystemHandle]> & {
      entries(): AsyncIterable<[string, FileSystemHandle]>;
    };
    for await (const [name, handle] of iterable.entries()) {
      if (handle.kind === 'file') {
        const path = `${dir}/${name}`;
        out.push({ name, kind: 'file', read: () => this.readHandle(handle as FileSystemFileHandle, path) });
      } else {
        out.push({ name, kind: 'directory' });
      }
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async open(path: string): Promise<ByteFile> {
    const { dirs, name } = split(path);
    try {
      const d = (await this.dir(dirs, true))!;
      const fh = await d.getFileHandle(name, { create: true });
      return new SyncHandleFile(await fh.createSyncAccessHandle(), path);
    } catch (error) {
      throw classifyStorageError(error, `opening ${path}`);
    }
  }

  async read(path: string): Promise<Uint8Array | null> {
    const fh = await this.fileHandle(path);
    return fh ? this.readHandle(fh, path) : null;
  }

  /** getFile() + arrayBuffer(): no lock is taken, so reads run side by side. */
  private async readHandle(fh: FileSystemFileHandle, path: string): Promise<Uint8Array | null> {
    // getFile() fails while another context holds a sync handle on the file; session files are held
    // only for the moment they are written, so a short wait usually gets through.
    for (let attempt = 0; ; attempt++) {
      try {
        return new Uint8Array(await (await fh.getFile()).arrayBuffer());
      } catch (error) {
        if (isNotFound(error)) return null;
        const locked = error instanceof DOMException && error.name === 'NoModificationAllowedError';
        if (!locked || attempt >= READ_RETRIES) throw classifyStorageError(error, `reading ${path}`);
        await new Promise((resolve) => setTimeout(resolve, 25 * (attempt + 1)));
      }
    }
  }

  async sizeOf(path: string): Promise<number | null> {
    const fh = await this.fileHandle(path);
    if (!fh) return null;
    try {
      return (await fh.getFile()).size;
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async remove(path: string): Promise<void> {
    const { dirs, name } = split(path);
    if (dirs.length === 0) this.topDirs.delete(name);
    const d = await this.dir(dirs, false);
    if (!d) return;
    try {
      await d.removeEntry(name, { recursive: true });
    } catch (error) {
      if (isNotFound(error)) return;
      throw classifyStorageError(error, `removing ${path}`);
    }
  }
}
