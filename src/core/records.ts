/**
 * The logical WAL records. This file is the contract between the codec (framing.ts/codec.ts),
 * the recovery fold, the worker and the CLI. Byte layouts live in docs/WAL-FORMAT.md.
 *
 * Every record carries the session it belongs to, a per-session sequence number assigned by the
 * writer of that session (SESSION_START is seq 0, then +1 per record) and a wall-clock time.
 * The sequence number is what makes retries idempotent: the recovery fold ignores a record whose
 * seq is not greater than the last one it applied for that session.
 */

/** On-disk type codes. Never renumber: old segments must stay readable. */
export const RecordTypeCode = {
  SESSION_START: 1,
  PARTIAL: 2,
  FINAL: 3,
  SESSION_STOP: 4,
  CHECKPOINT: 5,
  SESSION_DELETE: 6,
  /**
   * On-disk form of a PARTIAL only (no WalRecord of its own: the reader returns a 'partial'): the
   * text as "the first prefixBytes of an earlier PARTIAL of the same utterance in the same segment
   * + a suffix". Written by SegmentEncoder; see docs/WAL-FORMAT.md, "Partial deltas".
   */
  PARTIAL_DELTA: 7,
} as const;
export type RecordTypeCode = (typeof RecordTypeCode)[keyof typeof RecordTypeCode];

interface RecordBase {
  /** Session id: short ASCII string (see newSessionId), at most 64 bytes. */
  sessionId: string;
  /** Per-session sequence number, 0 for SESSION_START. */
  seq: number;
  /** Wall-clock time the record was produced, Unix milliseconds. */
  at: number;
}

export interface SessionStartRecord extends RecordBase {
  type: 'session-start';
  title: string;
  /** Where the text comes from: 'microphone' | 'demo' | 'import' (free-form for forward compat). */
  source: string;
  /** BCP-47 language tag, '' when unknown. */
  lang: string;
}

/** An interim hypothesis for one utterance. A later PARTIAL or the FINAL of the same utterance supersedes it. */
export interface PartialRecord extends RecordBase {
  type: 'partial';
  /** 0-based utterance index within the session. */
  utterance: number;
  /** Offset of the utterance start from the session start, ms. */
  startMs: number;
  text: string;
}

export interface FinalRecord extends RecordBase {
  type: 'final';
  utterance: number;
  startMs: number;
  endMs: number;
  text: string;
  /** Recogniser confidence 0..1, or null when the source gives none. Stored as permille. */
  confidence: number | null;
}

export interface SessionStopRecord extends RecordBase {
  type: 'session-stop';
  /** 'user' | 'error' | 'recovered' | 'deleted' … free-form, short. */
  reason: string;
}

/**
 * The session's state up to and including `upToSeq` is durable in its session file
 * (sessions/<id>.wal), so older WAL records of this session are no longer needed.
 */
export interface CheckpointRecord extends RecordBase {
  type: 'checkpoint';
  upToSeq: number;
  /** Number of finals in the checkpointed state (diagnostics). */
  finals: number;
}

/** The session was deleted: recovery must drop every record of it. */
export interface SessionDeleteRecord extends RecordBase {
  type: 'session-delete';
}

export type WalRecord =
  | SessionStartRecord
  | PartialRecord
  | FinalRecord
  | SessionStopRecord
  | CheckpointRecord
  | SessionDeleteRecord;

export type WalRecordType = WalRecord['type'];

export const ALL_RECORD_TYPES: readonly WalRecordType[] = [
  'session-start',
  'partial',
  'final',
  'session-stop',
  'checkpoint',
  'session-delete',
];
