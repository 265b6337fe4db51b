/**
 * In-memory FileStore for Node tests: a map of path → MemoryByteFile with OPFS-like rules
 * (one exclusive handle per file; a shared quota across all files).
 */
import { MemoryByteFile, type ByteFile } from '../core/byte-file.ts';
import type { DirEntry, FileStore } from './types.ts';

function quotaError(): Error {
  const err = new Error('The quota has been exceeded.');
  err.name = 'QuotaExceededError';
  return err;
}

function lockedError(path: string): Error {
  const err = new Error(`Access handle for ${path} is already open`);
  err.name = 'NoModificationAllowedError';
  return err;
}

/** A ByteFile view that enforces the store-wide quota and releases the exclusive handle on close. */
class HandleFile implements ByteFile {
  constructor(
    private readonly store: MemoryFileStore,
    private readonly path: string,
    private readonly file: MemoryByteFile,
  ) {}
  private closed = false;
  size(): number {
    return this.file.size();
  }
  read(offset: number, length: number): Uint8Array {
    this.assertOpen();
    return this.file.read(offset, length);
  }
  write(offset: number, data: Uint8Array): number {
    this.assertOpen();
    this.store.spendIo();
    const growth = Math.max(0, offset + data.length - this.file.size());
    if (this.store.quotaBytes !== null && this.store.totalBytes() + growth > this.store.quotaBytes) {
      throw quotaError();
    }
    return this.file.write(offset, data);
  }
  truncate(size: number): void {
    this.assertOpen();
    this.store.spendIo();
    this.file.truncate(size);
  }
  flush(): void {
    this.assertOpen();
    this.file.flush();
  }
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.store.release(this.path);
  }
  private assertOpen(): void {
    if (this.closed) throw new Error(`${this.path} is closed`);
  }
}

export class MemoryFileStore implements FileStore {
  readonly files = new Map<string, MemoryByteFile>();
  private readonly dirs = new Set<string>();
  /** Directory path ('' for the root) → its entries, so `list` does not scan every file. */
  private readonly children = new Map<string, Map<string, DirEntry['kind']>>();
  private readonly openPaths = new Set<string>();
  /** Total bytes across all files that writes may reach (null: unlimited). */
  quotaBytes: number | null = null;
  /**
   * Crash injection: when set, each mutating operation (open, write, truncate, remove) spends one unit;
   * at zero every further one throws, as if the context had died at that exact step.
   */
  ioBudget: number | null = null;
  /** Every file that ever existed, kept for privacy scans of removed files' last contents. */
  readonly removedContents: Uint8Array[] = [];

  totalBytes(): number {
    let total = 0;
    for (const f of this.files.values()) total += f.size();
    return total;
  }

  async list(dir: string): Promise<DirEntry[]> {
    const children = this.children.get(dir);
    if (!children) return [];
    return [...children]
      .map(([name, kind]) => ({ name, kind }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Notes a new file and its directories in the per-directory index `list` reads. */
  private indexPath(path: string): void {
    const parts = path.split('/');
    for (let i = 0; i < parts.length; i++) {
      const parent = parts.slice(0, i).join('/');
      const kind = i === parts.length - 1 ? 'file' : 'directory';
      if (kind === 'directory') this.dirs.add(parts.slice(0, i + 1).join('/'));
      let entries = this.children.get(parent);
      if (!entries) this.children.set(parent, (entries = new Map()));
      entries.set(parts[i]!, kind);
    }
  }

  private unindexPath(path: string): void {
    const slash = path.lastIndexOf('/');
    const parent = slash === -1 ? '' : path.slice(0, slash);
    this.children.get(parent)?.delete(path.slice(slash + 1));
    this.children.delete(path);
  }

  spendIo(): void {
    if (this.ioBudget === null) return;
    if (this.ioBudget <= 0) throw new Error('simulated crash: no more I/O');
    this.ioBudget--;
  }

  async open(path: string): Promise<ByteFile> {
    this.spendIo();
    if (this.openPaths.has(path)) throw lockedError(path);
    let file = this.files.get(path);
    if (!file) {
      file = new MemoryByteFile();
      this.files.set(path, file);
      this.indexPath(path);
    }
    this.openPaths.add(path);
    return new HandleFile(this, path, file);
  }

  async read(path: string): Promise<Uint8Array | null> {
    return this.files.get(path)?.bytes() ?? null;
  }

  async sizeOf(path: string): Promise<number | null> {
    return this.files.get(path)?.size() ?? null;
  }

  async remove(path: string): Promise<void> {
    this.spendIo();
    if (!this.dirs.has(path)) {
      // A single file (or nothing).
      const f = this.files.get(path);
      if (!f) return;
      if (this.openPaths.has(path)) throw lockedError(path);
      this.removedContents.push(f.bytes());
      this.files.delete(path);
      this.unindexPath(path);
      return;
    }
    const prefix = `${path}/`;
    for (const p of this.files.keys()) {
      if (p.startsWith(prefix) && this.openPaths.has(p)) throw lockedError(p);
    }
    for (const [p, f] of [...this.files]) {
      if (!p.startsWith(prefix)) continue;
      this.removedContents.push(f.bytes());
      this.files.delete(p);
    }
    for (const d of [...this.dirs]) {
      if (d !== path && !d.startsWith(prefix)) continue;
      this.dirs.delete(d);
      this.children.delete(d);
    }
    this.unindexPath(path);
  }

  release(path: string): void {
    this.openPaths.delete(path);
  }

  /** Simulates a crashed context: its handles vanish without close() or flush(). */
  dropHandles(predicate: (path: string) => boolean): void {
    for (const p of [...this.openPaths]) if (predicate(p)) this.openPaths.delete(p);
  }

  isOpen(path: string): boolean {
    return this.openPaths.has(path);
  }
}
