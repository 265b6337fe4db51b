/**
 * The platform seams of the persistence engine. The engine (src/store) is platform-free: it runs in
 * the worker over OPFS + IndexedDB + Web Locks + BroadcastChannel (src/worker) and in Node tests over
 * the in-memory implementations next to this file.
 */
import type { ByteFile } from '../core/byte-file.ts';
import type { AuditEntry, SessionMeta } from '../shared/persistence-api.ts';

export interface DirEntry {
  name: string;
  kind: 'file' | 'directory';
  /**
   * For files: reads the whole file through the handle the listing already holds (on OPFS this saves
   * walking the path again, which dominates reading thousands of small session files). Null when the
   * file is gone.
   */
  read?: () => Promise<Uint8Array | null>;
}

/**
 * A tree of byte files addressed by '/'-separated paths relative to the store root
 * (e.g. `wal/<writerId>/00000001.wal`). Directory operations are async (OPFS handles are);
 * an opened file is a synchronous ByteFile (OPFS FileSystemSyncAccessHandle).
 */
export interface FileStore {
  /** Entries of a directory; empty when it does not exist. */
  list(dir: string): Promise<DirEntry[]>;
  /** Opens a file for exclusive synchronous access, creating it (and its directories) when missing. */
  open(path: string): Promise<ByteFile>;
  /** The whole file, or null when it does not exist. Works on files no one holds open. */
  read(path: string): Promise<Uint8Array | null>;
  /** Size in bytes, null when missing. */
  sizeOf(path: string): Promise<number | null>;
  /** Removes a file or a directory (recursively). No error when missing. */
  remove(path: string): Promise<void>;
}

/** The IndexedDB side: session index, append-only audit log, settings. Never holds transcript text. */
export interface MetaStore {
  getSession(id: string): Promise<SessionMeta | undefined>;
  putSession(meta: SessionMeta): Promise<void>;
  deleteSession(id: string): Promise<void>;
  /** Of `ids`, those that have a row (one read transaction). */
  existingSessionIds(ids: string[]): Promise<Set<string>>;
  /** Rows and audit entries written in one transaction (import: all or nothing per batch). */
  putSessionsWithAudit(rows: SessionMeta[], audit: AuditEntry[]): Promise<void>;
  /** Newest first (by startedAt). */
  pageSessions(offset: number, limit: number): Promise<SessionMeta[]>;
  countSessions(): Promise<number>;
  /** Every row, newest first. Used by reconcile, search and retention. */
  allSessions(): Promise<SessionMeta[]>;
  /** Rows whose startedAt is before `time`. */
  sessionsStartedBefore(time: number): Promise<SessionMeta[]>;
  appendAudit(entry: AuditEntry): Promise<void>;
  /** Newest first. */
  pageAudit(offset: number, limit: number): Promise<AuditEntry[]>;
  getSetting<T>(key: string): Promise<T | undefined>;
  setSetting<T>(key: string, value: T): Promise<void>;
  /** Rough bytes the index and audit use (for storage stats). */
  estimateBytes(): Promise<number>;
}

/**
 * Web Locks named after writer ids. A writer holds its own lock while alive; a folder whose lock is
 * free belongs to a writer that is gone.
 */
export interface WriterLocks {
  /** Takes and holds this writer's lock for the lifetime of the context. */
  holdOwn(writerId: string): Promise<void>;
  /** Ids whose lock is held right now. */
  heldWriterIds(): Promise<Set<string>>;
  /**
   * Runs `fn` while holding `writerId`'s lock if nobody holds it; returns undefined (without running fn)
   * when the lock is taken.
   */
  withLockIfFree<T>(writerId: string, fn: () => Promise<T>): Promise<{ value: T } | undefined>;
  /** Runs fn under a named exclusive lock (waits for it). */
  exclusive<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

/** Messages between the workers of different tabs (BroadcastChannel). */
export type PeerMessage =
  | { type: 'sessions-changed'; from: string }
  | { type: 'purge-request'; from: string; to: string; requestId: string; sessionId: string }
  | { type: 'purge-done'; from: string; to: string; requestId: string; ok: boolean; error?: string };

export interface PeerBus {
  post(message: PeerMessage): void;
  onMessage(listener: (message: PeerMessage) => void): void;
  close(): void;
}

export interface Clock {
  now(): number;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}
