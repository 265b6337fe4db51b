/**
 * What the UI uses: the window-side facade over the persistence worker (src/persistence/client.ts
 * implements it with Comlink). It assigns per-session sequence numbers, keeps records the worker has
 * not acknowledged yet (e.g. while the disk is full) and retries them, and wires `visibilitychange`
 * and `pagehide` to the worker's flush policy. No method blocks the main thread.
 */
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
} from './persistence-api.ts';

export interface StartSessionInput {
  title: string;
  source: string;
  lang: string;
}

export interface PartialInput {
  utterance: number;
  startMs: number;
  text: string;
}

export interface FinalInput {
  utterance: number;
  startMs: number;
  endMs: number;
  text: string;
  confidence: number | null;
}

/** Versioned full-fidelity export (the JSON export/import format). */
export interface ExportFile {
  format: 'scribe-vault-export';
  version: 1;
  exportedAt: number;
  sessions: Array<{
    id: string;
    title: string;
    source: string;
    lang: string;
    startedAt: number;
    stoppedAt: number | null;
    utterances: SessionTranscript['utterances'];
  }>;
}

export interface ImportResult {
  imported: number;
  /** Sessions already present (same id): not duplicated. */
  skipped: number;
}

export interface DiagnosticFile {
  /** Path inside OPFS, e.g. wal/<writer>/<seq>.wal */
  path: string;
  bytes: Uint8Array;
}

export interface PersistenceClient {
  /** Recovery report of start-up (already done before the promise of createPersistence resolves). */
  readonly recovery: RecoveryReport;
  readonly writerId: string;

  /**
   * Resolves once the SESSION_START is stored — or at once while storage is failing (disk full): the
   * record then waits in the pending queue and the session records in memory meanwhile.
   */
  startSession(input: StartSessionInput): Promise<SessionMeta>;
  /**
   * Each append resolves with the worker's ack once the record is write()n. While storage fails the
   * promise stays pending (the record is kept, in order, and retried); do not await appends one by one
   * on a live path. Rejects with code 'unknown-session' if the session was deleted (e.g. in another tab).
   */
  appendPartial(sessionId: string, input: PartialInput): Promise<Ack>;
  appendFinal(sessionId: string, input: FinalInput): Promise<Ack>;
  /** Like startSession: resolves when stored, or at once with status 'stopped' while the stop waits in the queue. */
  stopSession(sessionId: string): Promise<SessionMeta>;

  listSessions(query: ListQuery): Promise<ListPage>;
  readSession(sessionId: string): Promise<SessionTranscript>;
  /** A session's index row (no transcript text), also of one recording in this tab. */
  getSession(sessionId: string): Promise<SessionMeta>;
  renameSession(sessionId: string, title: string): Promise<SessionMeta>;
  deleteSession(sessionId: string): Promise<void>;

  exportSessions(sessionIds: string[] | 'all'): Promise<ExportFile>;
  importSessions(file: unknown): Promise<ImportResult>;
  diagnostics(): Promise<DiagnosticFile[]>;

  storageStats(): Promise<StorageStats>;
  requestPersistence(): Promise<boolean>;
  setRetentionDays(days: number | null): Promise<void>;
  auditLog(offset: number, limit: number): Promise<AuditEntry[]>;

  /** Events from the worker and from other tabs (BroadcastChannel). Returns an unsubscribe function. */
  subscribe(listener: (event: PersistenceEvent) => void): () => void;
  /** Records not yet acknowledged by the worker (kept in memory until space returns). */
  pendingCount(): number;
}
