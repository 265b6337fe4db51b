/**
 * Replay of a dead writer's WAL files (its segments in order, then its ring file) into one folded
 * session per session found: the platform-free core of start-up recovery (recovery.ts), and what the
 * recovery bench measures.
 *
 * The result is defined as: per session, fold(base records ++ R) where base is the session's newest
 * complete session file (its last checkpoint, at seq c) and R is every record of the session in the
 * files other than CHECKPOINTs, with seq > c, sorted by seq, each seq once (the first copy in file
 * order; the ring repeats records the segments hold). Sessions with a SESSION_DELETE are only listed.
 *
 * Computed without collecting records: each session's base is loaded first (the ids come from
 * sessionIdHints, a cheap pass over the bytes), then scanSegment hands every record to its
 * session's fold as it is read. Within a session, records arrive in increasing seq order (a writer
 * numbers and appends them in order), so folding in file order is folding in seq order; a copy of a
 * seq already folded is dropped. Anything else falls back to the definition itself, exactly, for
 * that session only: a record with a smaller seq than one already folded that is not a copy (a
 * segment's damaged record still present in the ring), after which its records are gathered again
 * from the bytes, or a session the hints missed (damage), whose records are gathered as they come.
 * Superseded partials thus die young, which is most of the speed: a full 10 MB segment holds
 * ~120,000 records, most of them partials of which recovery keeps one per utterance.
 */
import {
  isAllZero,
  scanSegment,
  sessionIdHints,
  type SegmentVisitor,
  type SkipReason,
} from '../core/framing.ts';
import type { WalRecord } from '../core/records.ts';
import { RecoveryFold, foldRecords, type FoldedSession } from '../core/recovery-fold.ts';
import type { SkippedBytes } from '../shared/persistence-api.ts';

/** One file of the dead writer, whole. */
export interface WalFileBytes {
  path: string;
  bytes: Uint8Array;
}

/** What replay needs of a session file: its records, which end with the CHECKPOINT up to `checkpointSeq`. */
export interface ReplayBase {
  records: WalRecord[];
  checkpointSeq: number;
}

export interface ReplayedSession<Base extends ReplayBase> {
  id: string;
  /** The session's newest complete session file, or null. */
  base: Base | null;
  /** The fold of base and the newer WAL records (undefined only when there was nothing to fold). */
  folded: FoldedSession | undefined;
  /** WAL records folded after the base (R above): 0 when the base already held everything. */
  newer: number;
}

export interface WalReplay<Base extends ReplayBase> {
  /** Sessions not deleted, in the order their first record (other than a CHECKPOINT) appears in the files. */
  sessions: Array<ReplayedSession<Base>>;
  /** Sessions with a SESSION_DELETE, in the order of their first one. */
  deleted: string[];
  /** Damaged ranges, in file order; a torn tail of zero bytes (space never written) is not damage. */
  skipped: SkippedBytes[];
}

/**
 * Replays `files` (segments in order, then the ring file). `loadBase` gives a session's newest
 * complete session file or null; it is called once per session id the files name (sometimes for an
 * id a damaged frame only seems to name: an error there is ignored), before the records are read,
 * and again, after them, for a session whose first call failed or that was not named then.
 */
export async function replayWal<Base extends ReplayBase>(
  files: readonly WalFileBytes[],
  loadBase: (sessionId: string) => Promise<Base | null>,
): Promise<WalReplay<Base>> {
  const bases = new Map<string, Base | null>();
  for (const file of files) {
    for (const id of sessionIdHints(file.bytes)) if (!bases.has(id)) bases.set(id, null);
  }
  for (const id of [...bases.keys()]) {
    try {
      bases.set(id, await loadBase(id));
    } catch {
      // A damaged frame can seem to name any id, even one that is no valid path. If the id is real,
      // its records are gathered as for an id the hints missed, and loadBase is asked again (and
      // its error is the caller's) when they are folded.
      bases.delete(id);
    }
  }

  const scan = new WriterScan<Base>(bases);
  for (const file of files) {
    scan.file = file;
    scanSegment(file.bytes, scan);
  }

  const sessions: Array<ReplayedSession<Base>> = [];
  for (const state of scan.sessions.values()) {
    if (state.mode === REPLAY_AGAIN) state.collected = recordsOf(files, state.id);
    if (state.mode !== STREAMING) {
      // The exact definition, for this session only.
      const base = bases.has(state.id) ? state.base : await loadBase(state.id);
      const threshold = base ? base.checkpointSeq : -1;
      const newer = dedupeBySeq(state.collected.filter((r) => r.seq > threshold));
      const folded = foldRecords([...(base?.records ?? []), ...newer]).sessions.get(state.id);
      sessions.push({ id: state.id, base, folded, newer: newer.length });
    } else {
      const folded = state.fold!.result().sessions.get(state.id);
      sessions.push({ id: state.id, base: state.base, folded, newer: state.newer });
    }
  }
  return { sessions, deleted: scan.deleted, skipped: scan.damaged };
}

/** Records sorted by seq with repeated seqs dropped, the first in `records` order kept. */
export function dedupeBySeq(records: WalRecord[]): WalRecord[] {
  const sorted = records.map((r, i) => ({ r, i })).sort((a, b) => a.r.seq - b.r.seq || a.i - b.i);
  const out: WalRecord[] = [];
  let last = -Infinity;
  for (const { r } of sorted) {
    if (r.seq === last) continue;
    out.push(r);
    last = r.seq;
  }
  return out;
}

/** Folding records as they come (seqs increasing so far). */
const STREAMING = 0;
/** Gathering records to fold them sorted at the end (the hints missed this session). */
const COLLECTING = 1;
/** A seq arrived out of order: the session's records are gathered again from the bytes at the end. */
const REPLAY_AGAIN = 2;

interface SessionScan<Base> {
  id: string;
  mode: typeof STREAMING | typeof COLLECTING | typeof REPLAY_AGAIN;
  base: Base | null;
  /** Records with a seq up to here are in the base. */
  threshold: number;
  fold: RecoveryFold | null;
  /** Seqs folded so far (all greater than threshold, increasing). */
  folded: SeqRuns;
  newer: number;
  collected: WalRecord[];
}

/** The scanSegment visitor over all of a writer's files: routes each record to its session. */
class WriterScan<Base extends ReplayBase> implements SegmentVisitor {
  file: WalFileBytes = { path: '', bytes: new Uint8Array(0) };
  readonly sessions = new Map<string, SessionScan<Base>>();
  readonly deleted: string[] = [];
  readonly damaged: SkippedBytes[] = [];
  private readonly deletedIds = new Set<string>();
  // Records of one session come in runs: the last one's state (never a deleted session's).
  private lastId: string | null = null;
  private last: SessionScan<Base> | undefined = undefined;

  constructor(private readonly bases: Map<string, Base | null>) {}

  record(record: WalRecord): void {
    const id = record.sessionId;
    let state: SessionScan<Base> | undefined;
    if (id === this.lastId) state = this.last;
    else if (this.deletedIds.has(id)) return;
    else state = this.sessions.get(id);

    if (record.type === 'session-delete') {
      this.deletedIds.add(id);
      this.deleted.push(id);
      this.sessions.delete(id);
      this.lastId = null;
      this.last = undefined;
      return;
    }
    // WAL checkpoints only tell the live writer what may be deleted; the session file carries its own.
    if (record.type === 'checkpoint') return;
    if (state === undefined) {
      state = this.startSession(id);
      this.sessions.set(id, state);
    }
    this.lastId = id;
    this.last = state;

    if (state.mode === STREAMING) {
      const seq = record.seq;
      if (seq <= state.threshold) return;
      if (seq > state.folded.last) {
        state.fold!.apply(record);
        state.folded.add(seq);
        state.newer++;
      } else if (!state.folded.has(seq)) {
        state.mode = REPLAY_AGAIN;
        state.fold = null;
      }
    } else if (state.mode === COLLECTING) {
      state.collected.push(record);
    }
  }

  skipped(offset: number, length: number, reason: SkipReason): void {
    const { path, bytes } = this.file;
    // A zero-filled or cut-off tail is the normal end of a segment that was being appended to.
    if (reason === 'torn-tail' && isAllZero(bytes, offset, offset + length)) return;
    this.damaged.push({ file: path, offset, length, reason });
  }

  private startSession(id: string): SessionScan<Base> {
    const known = this.bases.has(id);
    const base = this.bases.get(id) ?? null;
    let fold: RecoveryFold | null = null;
    if (known) {
      fold = new RecoveryFold();
      for (const r of base?.records ?? []) fold.apply(r);
    }
    return {
      id,
      mode: known ? STREAMING : COLLECTING,
      base,
      threshold: base ? base.checkpointSeq : -1,
      fold,
      folded: new SeqRuns(),
      newer: 0,
      collected: [],
    };
  }
}

/** Every record of session `id` in `files`, in file order (what the scan would have gathered). */
function recordsOf(files: readonly WalFileBytes[], id: string): WalRecord[] {
  const out: WalRecord[] = [];
  const visitor: SegmentVisitor = {
    record(record) {
      if (record.sessionId === id && record.type !== 'checkpoint') out.push(record);
    },
    skipped() {},
  };
  for (const file of files) scanSegment(file.bytes, visitor);
  return out;
}

/**
 * A set of seqs added in increasing order, kept as runs of consecutive seqs (a session's seqs are
 * nearly consecutive, so this stays a few numbers long). `last` is the greatest seq added.
 */
export class SeqRuns {
  /** [first0, last0, first1, last1, …], ascending. */
  private readonly runs: number[] = [];
  last = -Infinity;

  /** Adds `seq`, which must be greater than `last`. */
  add(seq: number): void {
    const runs = this.runs;
    const n = runs.length;
    if (n > 0 && runs[n - 1] === seq - 1) runs[n - 1] = seq;
    else runs.push(seq, seq);
    this.last = seq;
  }

  has(seq: number): boolean {
    const runs = this.runs;
    let lo = 0;
    let hi = runs.length / 2 - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (seq < runs[2 * mid]) hi = mid - 1;
      else if (seq > runs[2 * mid + 1]) lo = mid + 1;
      else return true;
    }
    return false;
  }
}
