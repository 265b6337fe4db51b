/**
 * MetaStore over IndexedDB (`idb`): database `scribe-vault` with
 *   sessions  keyPath id, index `startedAt` (newest-first paging without loading every row)
 *   audit     autoIncrement, index `at` (append-only; never transcript text)
 *   settings  out-of-line keys (retentionDays, …)
 * Schema changes go through MIGRATIONS: each entry upgrades from the previous version, and a fresh
 * install runs them all in order, so every user ends up with the same schema.
 */
import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import type { AuditEntry, SessionMeta } from '../shared/persistence-api.ts';
import type { MetaStore } from '../store/types.ts';

export const DB_NAME = 'scribe-vault';

interface VaultDB extends DBSchema {
  sessions: { key: string; value: SessionMeta; indexes: { startedAt: number } };
  audit: { key: number; value: AuditEntry; indexes: { at: number; sessionId: string } };
  settings: { key: string; value: unknown };
}

type UpgradeTx = IDBPTransaction<VaultDB, StoreNames<VaultDB>[], 'versionchange'>;

/** MIGRATIONS[n] upgrades a database of version n to version n + 1. */
const MIGRATIONS: Array<(db: IDBPDatabase<VaultDB>, tx: UpgradeTx) => void> = [
  // 0 → 1: the session index and the audit log.
  (db) => {
    db.createObjectStore('sessions', { keyPath: 'id' }).createIndex('startedAt', 'startedAt');
    db.createObjectStore('audit', { keyPath: 'id', autoIncrement: true }).createIndex('at', 'at');
  },
  // 1 → 2: settings (retention) and audit lookup by session.
  (db, tx) => {
    db.createObjectStore('settings');
    tx.objectStore('audit').createIndex('sessionId', 'sessionId');
  },
];

export const DB_VERSION = MIGRATIONS.length;

const ROW_BYTES_ESTIMATE = 320;
const AUDIT_BYTES_ESTIMATE = 160;

interface PageCursor<T> {
  value: T;
  advance(count: number): Promise<PageCursor<T> | null>;
  continue(): Promise<PageCursor<T> | null>;
}

/**
 * Up to `limit` values after skipping `offset`, walking a cursor (opened newest first): paging reads
 * one page, never the whole store, so the first list screen stays fast with 10,000 sessions.
 */
async function readPage<T>(
  opened: Promise<PageCursor<T> | null>,
  offset: number,
  limit: number,
): Promise<T[]> {
  const out: T[] = [];
  let cursor = await opened;
  if (cursor && offset > 0) cursor = await cursor.advance(offset);
  while (cursor && out.length < limit) {
    out.push(cursor.value);
    cursor = await cursor.continue();
  }
  return out;
}

export class IdbMetaStore implements MetaStore {
  private constructor(private readonly db: IDBPDatabase<VaultDB>) {}

  static async open(): Promise<IdbMetaStore> {
    const db = await openDB<VaultDB>(DB_NAME, DB_VERSION, {
      upgrade(database, oldVersion, _newVersion, tx) {
        for (let v = oldVersion; v < DB_VERSION; v++) MIGRATIONS[v]!(database, tx);
      },
      blocking() {
        // A newer version of the app wants to upgrade: let it (this tab reloads on its next start).
        db.close();
      },
    });
    return new IdbMetaStore(db);
  }

  getSession(id: string): Promise<SessionMeta | undefined> {
    return this.db.get('sessions', id);
  }

  async putSession(meta: SessionMeta): Promise<void> {
    await this.db.put('sessions', meta);
  }

  async deleteSession(id: string): Promise<void> {
    await this.db.delete('sessions', id);
  }

  async existingSessionIds(ids: string[]): Promise<Set<string>> {
    const tx = this.db.transaction('sessions');
    const keys = await Promise.all(ids.map((id) => tx.store.getKey(id)));
    await tx.done;
    return new Set(keys.filter((k): k is string => k !== undefined));
  }

  async putSessionsWithAudit(rows: SessionMeta[], audit: AuditEntry[]): Promise<void> {
    const tx = this.db.transaction(['sessions', 'audit'], 'readwrite');
    const sessions = tx.objectStore('sessions');
    const log = tx.objectStore('audit');
    const writes: Promise<unknown>[] = rows.map((row) => sessions.put(row));
    for (const { id: _ignored, ...entry } of audit) writes.push(log.add(entry as AuditEntry));
    await Promise.all([...writes, tx.done]);
  }

  async pageSessions(offset: number, limit: number): Promise<SessionMeta[]> {
    if (limit <= 0) return [];
    const tx = this.db.transaction('sessions');
    const page = await readPage(tx.store.index('startedAt').openCursor(null, 'prev'), offset, limit);
    await tx.done;
    return page;
  }

  countSessions(): Promise<number> {
    return this.db.count('sessions');
  }

  async allSessions(): Promise<SessionMeta[]> {
    return (await this.db.getAllFromIndex('sessions', 'startedAt')).reverse();
  }

  async sessionsStartedBefore(time: number): Promise<SessionMeta[]> {
    return this.db.getAllFromIndex('sessions', 'startedAt', IDBKeyRange.upperBound(time, true));
  }

  async appendAudit(entry: AuditEntry): Promise<void> {
    const { id: _ignored, ...row } = entry;
    await this.db.add('audit', row as AuditEntry);
  }

  async pageAudit(offset: number, limit: number): Promise<AuditEntry[]> {
    if (limit <= 0) return [];
    const tx = this.db.transaction('audit');
    const page = await readPage(tx.store.openCursor(null, 'prev'), offset, limit);
    await tx.done;
    return page;
  }

  async getSetting<T>(key: string): Promise<T | undefined> {
    return (await this.db.get('settings', key)) as T | undefined;
  }

  async setSetting<T>(key: string, value: T): Promise<void> {
    await this.db.put('settings', value, key);
  }

  /** An estimate (rows × typical row size): IndexedDB does not expose per-store sizes. */
  async estimateBytes(): Promise<number> {
    const [sessions, audit] = await Promise.all([this.db.count('sessions'), this.db.count('audit')]);
    return sessions * ROW_BYTES_ESTIMATE + audit * AUDIT_BYTES_ESTIMATE;
  }

  close(): void {
    this.db.close();
  }
}
