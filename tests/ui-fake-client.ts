/** An in-memory PersistenceClient double for the UI's Node tests (records calls in order). */
import type {
  Ack,
  AuditEntry,
  ListPage,
  ListQuery,
  PersistenceEvent,
  RecoveryReport,
  SessionMeta,
  SessionTranscript,
  StorageStats,
} from '../src/shared/persistence-api.ts';
import type {
  DiagnosticFile,
  ExportFile,
  FinalInput,
  ImportResult,
  PartialInput,
  PersistenceClient,
  StartSessionInput,
} from '../src/shared/persistence-client.ts';

export type Call =
  | { op: 'start'; input: StartSessionInput }
  | { op: 'partial'; sessionId: string; input: PartialInput }
  | { op: 'final'; sessionId: string; input: FinalInput }
  | { op: 'stop'; sessionId: string }
  | { op: 'delete'; sessionId: string };

export class FakeClient implements PersistenceClient {
  readonly writerId = 'test-writer';
  readonly recovery: RecoveryReport = {
    recovered: [],
    skipped: [],
    segmentsRead: 0,
    bytesRead: 0,
    durationMs: 0,
    reconciled: { added: 0, removed: 0 },
  };
  calls: Call[] = [];
  sessions = new Map<string, SessionMeta>();
  failStart: Error | null = null;
  /** Resolves startSession only when the test calls it (to test events queued meanwhile). */
  holdStart: Promise<void> | null = null;
  private seq = new Map<string, number>();
  private nextId = 1;
  private listeners = new Set<(event: PersistenceEvent) => void>();

  async startSession(input: StartSessionInput): Promise<SessionMeta> {
    this.calls.push({ op: 'start', input });
    if (this.holdStart) await this.holdStart;
    if (this.failStart) throw this.failStart;
    const meta: SessionMeta = {
      id: `s${this.nextId++}`,
      title: input.title,
      source: input.source,
      lang: input.lang,
      status: 'recording',
      startedAt: 1,
      updatedAt: 1,
      stoppedAt: null,
      durationMs: 0,
      finals: 0,
      bytes: 0,
      writerId: this.writerId,
      hasUncertain: false,
    };
    this.sessions.set(meta.id, meta);
    return meta;
  }
  private ack(sessionId: string): Ack {
    const seq = (this.seq.get(sessionId) ?? 0) + 1;
    this.seq.set(sessionId, seq);
    return { sessionId, seq, duplicate: false };
  }
  async appendPartial(sessionId: string, input: PartialInput): Promise<Ack> {
    this.calls.push({ op: 'partial', sessionId, input });
    return this.ack(sessionId);
  }
  async appendFinal(sessionId: string, input: FinalInput): Promise<Ack> {
    this.calls.push({ op: 'final', sessionId, input });
    const meta = this.sessions.get(sessionId)!;
    meta.finals += 1;
    return this.ack(sessionId);
  }
  async stopSession(sessionId: string): Promise<SessionMeta> {
    this.calls.push({ op: 'stop', sessionId });
    const meta = this.sessions.get(sessionId)!;
    meta.status = 'stopped';
    meta.stoppedAt = 2;
    return { ...meta };
  }
  async listSessions(query: ListQuery): Promise<ListPage> {
    const all = [...this.sessions.values()].reverse();
    return { sessions: all.slice(query.offset, query.offset + query.limit), total: all.length };
  }
  async readSession(sessionId: string): Promise<SessionTranscript> {
    return { meta: this.sessions.get(sessionId)!, utterances: [] };
  }
  async getSession(sessionId: string): Promise<SessionMeta> {
    return { ...this.sessions.get(sessionId)! };
  }
  async renameSession(sessionId: string, title: string): Promise<SessionMeta> {
    const meta = this.sessions.get(sessionId)!;
    meta.title = title;
    return meta;
  }
  async deleteSession(sessionId: string): Promise<void> {
    this.calls.push({ op: 'delete', sessionId });
    this.sessions.delete(sessionId);
  }
  async exportSessions(): Promise<ExportFile> {
    return { format: 'scribe-vault-export', version: 1, exportedAt: Date.now(), sessions: [] };
  }
  async importSessions(): Promise<ImportResult> {
    return { imported: 0, skipped: 0 };
  }
  async diagnostics(): Promise<DiagnosticFile[]> {
    return [];
  }
  async storageStats(): Promise<StorageStats> {
    throw new Error('not used');
  }
  async requestPersistence(): Promise<boolean> {
    return false;
  }
  async setRetentionDays(): Promise<void> {}
  async auditLog(): Promise<AuditEntry[]> {
    return [];
  }
  subscribe(listener: (event: PersistenceEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(event: PersistenceEvent): void {
    for (const l of this.listeners) l(event);
  }
  pendingCount(): number {
    return 0;
  }
}
