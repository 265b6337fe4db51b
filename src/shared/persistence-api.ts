/**
 * The typed contract between the UI thread and the persistence worker (exposed with Comlink).
 * Types, constants and the PersistenceError class: imported by the worker program and the window program alike.
 */
import type { WalRecord } from '../core/records.ts';
import type { DiagnosticFile, ExportFile, ImportResult } from './persistence-client.ts';
import type { PackedExportFile, PackedTranscript } from './utterance-wire.ts';

export type SessionStatus = 'recording' | 'stopped' | 'interrupted' | 'recovered' | 'imported';

/** One row of the IndexedDB `sessions` index. Never holds transcript text. */
export interface SessionMeta {
  id: string;
  title: string;
  source: string;
  lang: string;
  status: SessionStatus;
  /** Unix ms. */
  startedAt: number;
  /** Unix ms of the last record (or stop). */
  updatedAt: number;
  stoppedAt: number | null;
  durationMs: number;
  finals: number;
  /** Bytes of the session file (checkpointed state). */
  bytes: number;
  /** Writer (tab) that currently records it, null when none. */
  writerId: string | null;
  /** True when the last utterance was rebuilt from a partial and may be incomplete. */
  hasUncertain: boolean;
}

export interface Utterance {
  index: number;
  text: string;
  /** Offsets from session start, ms. */
  startMs: number;
  endMs: number;
  confidence: number | null;
  /** Rebuilt from the trailing partial after a crash: may be incomplete. */
  uncertain?: boolean;
}

export interface SessionTranscript {
  meta: SessionMeta;
  utterances: Utterance[];
}

/** What the worker acknowledges for each appended record: the bytes were write()n to OPFS. */
export interface Ack {
  sessionId: string;
  seq: number;
  /** True when the record was already stored (retry of the same seq): nothing was written twice. */
  duplicate: boolean;
}

export type PersistenceErrorCode =
  | 'opfs-unavailable' // no OPFS or no sync access handles (e.g. some private modes)
  | 'quota-exceeded' // QuotaExceededError / disk full
  | 'file-locked' // another context holds the sync access handle
  | 'corrupt-wal' // damaged records were skipped during recovery
  | 'unknown-session'
  | 'bad-import'
  | 'internal';

/** Errors cross Comlink as plain objects with this shape in `message` JSON-free form. */
export interface PersistenceErrorInfo {
  code: PersistenceErrorCode;
  message: string;
}

export interface SkippedBytes {
  file: string;
  offset: number;
  length: number;
  reason: string;
}

export interface RecoveryReport {
  /** Sessions rebuilt from WAL segments of writers that are gone. */
  recovered: Array<{ id: string; title: string; finals: number; uncertain: boolean }>;
  skipped: SkippedBytes[];
  segmentsRead: number;
  bytesRead: number;
  durationMs: number;
  /** Index rows added/removed to match OPFS. */
  reconciled: { added: number; removed: number };
}

export interface StorageStats {
  bytes: { wal: number; ring: number; sessions: number; index: number };
  records: { written: number; partials: number; finals: number };
  walSegments: number;
  lastFlushAt: number | null;
  /** Median and max flush() latency in ms over the recent window. */
  flushLatencyMs: { median: number; max: number; count: number };
  pendingRecords: number;
  ringOverflows: number;
  persisted: boolean | null;
  quota: { usage: number; quota: number } | null;
  retentionDays: number | null;
}

export type AuditAction =
  | 'created'
  | 'stopped'
  | 'recovered'
  | 'renamed'
  | 'exported'
  | 'imported'
  | 'deleted'
  | 'retention-deleted'
  | 'reconciled';

/** One row of the append-only IndexedDB `audit` log. Never transcript text. */
export interface AuditEntry {
  id?: number;
  at: number;
  action: AuditAction;
  sessionId: string | null;
  outcome: 'ok' | 'error';
  /** Counts only (finals, bytes, records, segments…). */
  counts: Record<string, number>;
}

export type PersistenceEvent =
  | { type: 'flushed'; at: number; latencyMs: number; reason: string }
  | { type: 'rotated'; at: number; segment: string; reason: string }
  | { type: 'recovered'; report: RecoveryReport }
  | { type: 'overflow'; at: number; evicted: number }
  | { type: 'error'; error: PersistenceErrorInfo }
  | { type: 'error-cleared'; code: PersistenceErrorCode }
  | { type: 'sessions-changed' }
  | { type: 'session-stopped-elsewhere'; sessionId: string };

export interface ListQuery {
  offset: number;
  limit: number;
  /** Matches title and transcript text, case-insensitive. */
  search?: string;
}

export interface ListPage {
  sessions: SessionMeta[];
  total: number;
}

/**
 * The error every persistence call rejects with (window side and worker side). Comlink only carries an
 * Error's name and message across the worker boundary, so the code travels in the name
 * (`PersistenceError/quota-exceeded`) and `PersistenceError.from` restores it.
 */
/** The index row of a session that has just started recording in writer `writerId`. */
export function newRecordingMeta(start: {
  id: string;
  title: string;
  source: string;
  lang: string;
  startedAt: number;
  writerId: string;
}): SessionMeta {
  return {
    ...start,
    status: 'recording',
    updatedAt: start.startedAt,
    stoppedAt: null,
    durationMs: 0,
    finals: 0,
    bytes: 0,
    hasUncertain: false,
  };
}

export class PersistenceError extends Error {
  readonly code: PersistenceErrorCode;

  constructor(code: PersistenceErrorCode, message: string) {
    super(message);
    this.code = code;
    this.name = `PersistenceError/${code}`;
  }

  get info(): PersistenceErrorInfo {
    return { code: this.code, message: this.message };
  }

  /** Restores a PersistenceError from anything thrown (including one that crossed Comlink). */
  static from(error: unknown): PersistenceError {
    if (error instanceof PersistenceError) return error;
    if (error instanceof Error) {
      const match = /^PersistenceError\/([a-z-]+)$/.exec(error.name);
      if (match) return new PersistenceError(match[1] as PersistenceErrorCode, error.message);
      return new PersistenceError('internal', error.message || String(error));
    }
    return new PersistenceError('internal', String(error));
  }
}

/** Maps a platform error (DOMException names from OPFS/IndexedDB) to the typed error the UI shows. */
export function classifyStorageError(error: unknown, context: string): PersistenceError {
  if (error instanceof PersistenceError) return error;
  const name =
    error instanceof Error || (typeof error === 'object' && error !== null && 'name' in error)
      ? String((error as { name: unknown }).name)
      : '';
  const detail = error instanceof Error ? error.message : String(error);
  if (name === 'QuotaExceededError' || /quota|disk full|no space/i.test(detail)) {
    return new PersistenceError(
      'quota-exceeded',
      `Storage is full while ${context}. Nothing already saved is lost; the live session is kept in memory and saved as soon as space is available.`,
    );
  }
  if (name === 'NoModificationAllowedError' || name === 'InvalidStateError') {
    return new PersistenceError(
      'file-locked',
      `A storage file is in use by another tab or window while ${context} (${detail}).`,
    );
  }
  return PersistenceError.from(error);
}

/** Options of the worker's init(). */
export interface WorkerInitOptions {
  /** Writer id to use (tests); a random one otherwise. */
  writerId?: string;
  /** navigator.storage.persist() result obtained on the window side (persist() is window-only). */
  persisted: boolean | null;
}

export interface WorkerInitResult {
  writerId: string;
  recovery: RecoveryReport;
}

/** Result of appending a batch of records in order: the acks of those stored, then the error that stopped it. */
export interface AppendBatchResult {
  acks: Ack[];
  error: PersistenceErrorInfo | null;
}

/**
 * Result of `appendRecords`: the first `stored` records of the batch were stored (or were already
 * stored: their indexes are in `duplicates`), in order; `error` stopped the batch at record `stored`.
 * `refused`: nothing was even tried because the batch it follows was not stored completely — storing
 * it would put later records ahead of the failed ones.
 */
export interface AppendRecordsResult {
  stored: number;
  duplicates: number[];
  error: PersistenceErrorInfo | null;
  refused: boolean;
}

/**
 * What the persistence worker exposes with Comlink (src/worker/persistence.worker.ts). Only the
 * window-side facade (src/persistence/client.ts) and the bench call it; the UI uses PersistenceClient.
 */
export interface PersistenceWorkerApi {
  init(options: WorkerInitOptions): Promise<WorkerInitResult>;
  /**
   * Stores the records in order (each one write() before its ack) and stops at the first error; the
   * only way in for records, so the ordering rule below always holds. Batches run strictly in the
   * order they arrive. Batch number `batch` is stored only if `after` is null (it starts a new chain)
   * or the batch numbered `after` was stored completely; otherwise it is refused without storing
   * anything, and the caller resends what was not stored as a new chain. So a failed record is never
   * overtaken by a later one (the engine would take the retry of the failed, lower seq for a
   * duplicate and drop it).
   */
  appendRecords(batch: number, after: number | null, records: WalRecord[]): Promise<AppendRecordsResult>;
  getSession(sessionId: string): Promise<SessionMeta>;
  visibilityChanged(hidden: boolean): void;
  pageHide(): void;
  listSessions(query: ListQuery): Promise<ListPage>;
  /** Utterances packed (src/shared/utterance-wire.ts): cheap to receive on the main thread. */
  readSession(sessionId: string): Promise<PackedTranscript>;
  renameSession(sessionId: string, title: string): Promise<SessionMeta>;
  deleteSession(sessionId: string): Promise<void>;
  exportSessions(sessionIds: string[] | 'all'): Promise<PackedExportFile>;
  /** Takes an already validated export (parseExportFile). */
  importSessions(file: ExportFile): Promise<ImportResult>;
  diagnostics(): Promise<DiagnosticFile[]>;
  storageStats(pendingRecords: number): Promise<StorageStats>;
  setPersisted(persisted: boolean | null): void;
  setRetentionDays(days: number | null): Promise<void>;
  auditLog(offset: number, limit: number): Promise<AuditEntry[]>;
  /** `listener` is a Comlink.proxy; events start flowing at once (subscribe before init to see recovery). */
  subscribe(listener: (event: PersistenceEvent) => void): void;
  /**
   * Events as one-way messages on `port` (transferred), each `data` a PersistenceEvent: no reply per
   * event. 'flushed' events are coalesced (FLUSHED_EVENT_INTERVAL_MS); every other event is sent at once.
   */
  subscribePort(port: MessagePort): void;
  /** Graceful shutdown (tests, bench): flush, close handles, release the lock. */
  close(): Promise<void>;
}
