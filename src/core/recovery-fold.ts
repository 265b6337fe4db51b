/**
 * Recovery fold: WAL records → sessions.
 *
 * The fold is incremental (apply records segment after segment, in the order they were written)
 * and may start from `base` sessions, e.g. ones loaded from checkpoint/session files; WAL records
 * whose seq is greater than a base session's lastSeq continue it.
 *
 * Rules, per session (records of different sessions never interact):
 * - Sequence numbers: a record is applied only if its seq is greater than the session's lastSeq;
 *   otherwise it is a retry of something already applied (a duplicate) and is ignored and counted.
 *   Gaps in seq (lost or skipped records) are fine: only the order matters.
 * - SESSION_DELETE always wins, whatever its seq: the session is dropped (also a base one) and every
 *   later record of it is ignored. Ids are never reused.
 * - SESSION_START sets title/source/lang and, for a session first seen through other records,
 *   startedAt.
 * - PARTIAL keeps the latest partial of its utterance, unless the utterance already has a FINAL (a
 *   stale interim after its final is ignored).
 * - FINAL supersedes every partial of its utterance; a later FINAL of the same utterance (a
 *   correction) replaces the earlier one.
 * - SESSION_STOP marks the session 'stopped' (stoppedAt = its time). Without one the session is
 *   'interrupted' (the writer died).
 * - CHECKPOINT raises checkpointSeq to its upToSeq. It is a statement about durability, idempotent
 *   and monotonic, so it is applied whatever its seq (a replayed one changes nothing and is never
 *   counted as a duplicate) and only raises lastSeq. This lets a session file end with a checkpoint
 *   at seq = lastSeq after its content records (see sessionToRecords in compact.ts).
 * - Partials still open at the end become `pending` utterances with `uncertain: true`, whether the
 *   session was stopped or not: a trailing partial is the best text there is, and losing it would be
 *   worse than showing it marked as possibly incomplete. Their endMs is estimated from the partial's
 *   wall-clock time: max(startMs, at − startedAt).
 * - Orphans: records of a session with no SESSION_START (lost in a damaged or deleted segment) and
 *   no base are KEPT as an untitled ('' title/source/lang) interrupted session with
 *   `missingStart: true` and startedAt = time of its first record, and counted in `orphans`.
 *   Recovering text is better than dropping it; the UI can name it "Untitled".
 * - Times: updatedAt = the greatest `at` of the applied records (clocks can step back); lastSeq =
 *   the greatest seq applied.
 */
import type { FinalRecord, WalRecord } from './records.ts';

export interface FoldedUtterance {
  index: number;
  text: string;
  /** Offsets from the session start, ms. */
  startMs: number;
  endMs: number;
  confidence: number | null;
  /** Rebuilt from a trailing partial: may be incomplete. */
  uncertain: boolean;
}

export interface FoldedSession {
  id: string;
  title: string;
  source: string;
  lang: string;
  startedAt: number;
  updatedAt: number;
  stoppedAt: number | null;
  /** 'interrupted' = no SESSION_STOP seen. */
  status: 'stopped' | 'interrupted';
  /** Finalised utterances in utterance order. */
  finals: FoldedUtterance[];
  /** The trailing partial of each open utterance, in utterance order, uncertain: true. */
  pending: FoldedUtterance[];
  lastSeq: number;
  checkpointSeq: number | null;
  /** Records applied to this session (including those carried over from a base). */
  records: number;
  /** Records ignored because their seq was not greater than lastSeq (retries). */
  duplicates: number;
  /** True when no SESSION_START was seen: title/source/lang are unknown (''). */
  missingStart?: boolean;
}

export interface FoldResult {
  sessions: Map<string, FoldedSession>;
  /** Ids of sessions a SESSION_DELETE was seen for. */
  deleted: Set<string>;
  /** Duplicate records ignored, all sessions. */
  duplicates: number;
  /** Records applied to sessions that have no SESSION_START. */
  orphans: number;
}

/**
 * A partial kept as the open state of an utterance; endMs is derived at result() time. PartialRecord
 * has this shape, so the fold keeps the record itself (no allocation per partial: recovery speed).
 */
interface OpenPartial {
  utterance: number;
  text: string;
  startMs: number;
  /** Wall-clock time of the partial. */
  at: number;
}

interface SessionState {
  id: string;
  title: string;
  source: string;
  lang: string;
  startedAt: number;
  updatedAt: number;
  stoppedAt: number | null;
  lastSeq: number;
  checkpointSeq: number | null;
  records: number;
  duplicates: number;
  missingStart: boolean;
  finals: Map<number, FoldedUtterance>;
  /** Open utterances: a slot each, holding its latest partial. */
  open: Map<number, { partial: OpenPartial }>;
  /**
   * The slot the last kept partial went to, while its utterance has no final: partials of one
   * utterance come in runs, and the next one just replaces it there (no Map lookups).
   */
  lastOpen: { partial: OpenPartial } | null;
}

function stateFromBase(base: FoldedSession): SessionState {
  const state: SessionState = {
    id: base.id,
    title: base.title,
    source: base.source,
    lang: base.lang,
    startedAt: base.startedAt,
    updatedAt: base.updatedAt,
    stoppedAt: base.status === 'stopped' ? (base.stoppedAt ?? base.updatedAt) : null,
    lastSeq: base.lastSeq,
    checkpointSeq: base.checkpointSeq,
    records: base.records,
    duplicates: base.duplicates,
    missingStart: base.missingStart === true,
    finals: new Map(),
    open: new Map(),
    lastOpen: null,
  };
  for (const u of base.finals) state.finals.set(u.index, { ...u, uncertain: false });
  for (const u of base.pending) {
    if (state.finals.has(u.index)) continue;
    state.open.set(u.index, {
      partial: { utterance: u.index, text: u.text, startMs: u.startMs, at: base.startedAt + u.endMs },
    });
  }
  return state;
}

function finalOf(record: FinalRecord): FoldedUtterance {
  return {
    index: record.utterance,
    text: record.text,
    startMs: record.startMs,
    endMs: record.endMs,
    confidence: record.confidence,
    uncertain: false,
  };
}

const byIndex = (a: { index: number }, b: { index: number }) => a.index - b.index;

function snapshot(state: SessionState): FoldedSession {
  const finals = [...state.finals.values()].map((u) => ({ ...u })).sort(byIndex);
  const pending: FoldedUtterance[] = [...state.open.values()]
    .map(({ partial: p }) => ({
      index: p.utterance,
      text: p.text,
      startMs: p.startMs,
      endMs: Math.max(p.startMs, p.at - state.startedAt),
      confidence: null,
      uncertain: true,
    }))
    .sort(byIndex);
  const session: FoldedSession = {
    id: state.id,
    title: state.title,
    source: state.source,
    lang: state.lang,
    startedAt: state.startedAt,
    updatedAt: state.updatedAt,
    stoppedAt: state.stoppedAt,
    status: state.stoppedAt === null ? 'interrupted' : 'stopped',
    finals,
    pending,
    lastSeq: state.lastSeq,
    checkpointSeq: state.checkpointSeq,
    records: state.records,
    duplicates: state.duplicates,
  };
  if (state.missingStart) session.missingStart = true;
  return session;
}

export class RecoveryFold {
  private readonly sessions = new Map<string, SessionState>();
  private readonly deleted = new Set<string>();
  private duplicates = 0;
  private orphans = 0;
  // Records of one session come in runs: the state of the last one applied (never a deleted session's),
  // so most records cost no Set and Map lookups.
  private lastId: string | null = null;
  private lastState: SessionState | undefined = undefined;

  constructor(base?: Iterable<FoldedSession>) {
    if (base) for (const session of base) this.sessions.set(session.id, stateFromBase(session));
  }

  apply(record: WalRecord): void {
    const id = record.sessionId;
    if (record.type === 'session-delete') {
      this.deleted.add(id);
      this.sessions.delete(id);
      if (id === this.lastId) this.lastId = null;
      return;
    }

    let state: SessionState | undefined;
    if (id === this.lastId) state = this.lastState;
    else {
      if (this.deleted.has(id)) return;
      state = this.sessions.get(id);
      // A missing state is created below; a session is only ever dropped by its SESSION_DELETE (above).
      this.lastId = id;
      this.lastState = state;
    }
    if (!state) {
      state = {
        id,
        title: '',
        source: '',
        lang: '',
        startedAt: record.at,
        updatedAt: record.at,
        stoppedAt: null,
        lastSeq: -1,
        checkpointSeq: null,
        records: 0,
        duplicates: 0,
        missingStart: record.type !== 'session-start',
        finals: new Map(),
        open: new Map(),
        lastOpen: null,
      };
      this.sessions.set(id, state);
      this.lastState = state;
    } else if (record.seq <= state.lastSeq && record.type !== 'checkpoint') {
      state.duplicates++;
      this.duplicates++;
      return;
    }

    if (state.missingStart && record.type !== 'session-start') this.orphans++;
    if (record.seq > state.lastSeq) state.lastSeq = record.seq;
    state.records++;
    if (record.at > state.updatedAt) state.updatedAt = record.at;

    switch (record.type) {
      case 'session-start':
        state.title = record.title;
        state.source = record.source;
        state.lang = record.lang;
        if (state.missingStart) {
          state.startedAt = record.at;
          state.missingStart = false;
        }
        break;
      case 'partial': {
        const last = state.lastOpen;
        if (last !== null && last.partial.utterance === record.utterance) last.partial = record;
        else if (!state.finals.has(record.utterance)) {
          let slot = state.open.get(record.utterance);
          if (slot === undefined) state.open.set(record.utterance, (slot = { partial: record }));
          else slot.partial = record;
          state.lastOpen = slot;
        }
        break;
      }
      case 'final':
        state.finals.set(record.utterance, finalOf(record));
        state.open.delete(record.utterance);
        if (state.lastOpen !== null && state.lastOpen.partial.utterance === record.utterance) {
          state.lastOpen = null;
        }
        break;
      case 'session-stop':
        state.stoppedAt = record.at;
        break;
      case 'checkpoint':
        if (state.checkpointSeq === null || record.upToSeq > state.checkpointSeq)
          state.checkpointSeq = record.upToSeq;
        break;
    }
  }

  /** A snapshot of the current state; the fold can keep going afterwards. */
  result(): FoldResult {
    const sessions = new Map<string, FoldedSession>();
    for (const [id, state] of this.sessions) sessions.set(id, snapshot(state));
    return { sessions, deleted: new Set(this.deleted), duplicates: this.duplicates, orphans: this.orphans };
  }
}

export function foldRecords(records: Iterable<WalRecord>, base?: Iterable<FoldedSession>): FoldResult {
  const fold = new RecoveryFold(base);
  for (const record of records) fold.apply(record);
  return fold.result();
}

/** Finals and pending utterances merged in utterance order (a final wins over a pending one of the same index). */
export function utterancesOf(session: FoldedSession): FoldedUtterance[] {
  const finalIndexes = new Set(session.finals.map((u) => u.index));
  return [...session.finals, ...session.pending.filter((u) => !finalIndexes.has(u.index))].sort(byIndex);
}
