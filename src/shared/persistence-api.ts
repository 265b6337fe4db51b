/**
 * The typed contract between the UI thread and the persistence worker (exposed with Comlink).
 * Pure types and constants only: imported by the worker program and the window program alike.
 */

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
