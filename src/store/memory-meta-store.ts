/** In-memory MetaStore for Node tests (same ordering rules as the IndexedDB one). */
import type { AuditEntry, SessionMeta } from '../shared/persistence-api.ts';
import type { MetaStore } from './types.ts';

function newestFirst(a: SessionMeta, b: SessionMeta): number {
  return b.startedAt - a.startedAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

export class MemoryMetaStore implements MetaStore {
  readonly sessions = new Map<string, SessionMeta>();
  readonly audit: AuditEntry[] = [];
  readonly settings = new Map<string, unknown>();

  async getSession(id: string): Promise<SessionMeta | undefined> {
    const row = this.sessions.get(id);
    return row ? { ...row } : undefined;
  }
  async putSession(meta: SessionMeta): Promise<void> {
    this.sessions.set(meta.id, { ...meta });
  }
  async deleteSession(id: string): Promise<void> {
    this.sessions.delete(id);
  }
  async existingSessionIds(ids: string[]): Promise<Set<string>> {
    return new Set(ids.filter((id) => this.sessions.has(id)));
  }
  async putSessionsWithAudit(rows: SessionMeta[], audit: AuditEntry[]): Promise<void> {
    for (const row of rows) await this.putSession(row);
    for (const entry of audit) await this.appendAudit(entry);
  }
  async pageSessions(offset: number, limit: number): Promise<SessionMeta[]> {
    return (await this.allSessions()).slice(offset, offset + limit);
  }
  async countSessions(): Promise<number> {
    return this.sessions.size;
  }
  async allSessions(): Promise<SessionMeta[]> {
    return [...this.sessions.values()].map((s) => ({ ...s })).sort(newestFirst);
  }
  async sessionsStartedBefore(time: number): Promise<SessionMeta[]> {
    return (await this.allSessions()).filter((s) => s.startedAt < time);
  }
  async appendAudit(entry: AuditEntry): Promise<void> {
    this.audit.push({ ...entry, id: this.audit.length + 1 });
  }
  async pageAudit(offset: number, limit: number): Promise<AuditEntry[]> {
    return [...this.audit].reverse().slice(offset, offset + limit);
  }
  async getSetting<T>(key: string): Promise<T | undefined> {
    return this.settings.get(key) as T | undefined;
  }
  async setSetting<T>(key: string, value: T): Promise<void> {
    this.settings.set(key, value);
  }
  async estimateBytes(): Promise<number> {
    return JSON.stringify([...this.sessions.values(), this.audit]).length;
  }
}
