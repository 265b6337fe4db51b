/**
 * Compaction: the smallest subsequence of a record stream that folds (recovery-fold.ts) to the same
 * sessions and the same deleted set, and the canonical records of a folded session.
 *
 * compactRecords keeps records in their original order with their original seqs (so the output is a
 * valid segment and can be mixed with other segments), and drops:
 * - every record of a deleted session, except ONE SESSION_DELETE tombstone per deleted session (the
 *   first one). The tombstone holds no content (session id, seq, time) and must stay: the stream
 *   being compacted may be one segment of several, or a checkpoint file of the session may survive
 *   a crash, and without the tombstone those would bring the deleted session back.
 * - duplicates (records the fold ignores because their seq is not greater than the session's
 *   lastSeq at that point);
 * - superseded partials (a later partial or any final of the same utterance exists);
 * - finals replaced by a later final of the same utterance;
 * - all but the last SESSION_STOP and the CHECKPOINT with the greatest upToSeq.
 * It always keeps every applied SESSION_START, the last final of each utterance, the latest partial
 * of each utterance without a final, and — so that startedAt (orphans), updatedAt and lastSeq fold
 * to the same values — the first applied record, the applied record with the greatest seq and the
 * one with the greatest `at` of each session.
 *
 * Compaction is local: compacting one segment of several is safe, fold(A + compact(B) + C) equals
 * fold(A + B + C), because what it drops is a duplicate or superseded within B itself.
 *
 * It does not drop records older than a CHECKPOINT: folding such a stream without its session file
 * must still give the whole session. Deleting checkpointed segments is the writer's job.
 */
import type { FoldedSession } from './recovery-fold.ts';
import { utterancesOf } from './recovery-fold.ts';
import type { WalRecord } from './records.ts';

/** What the fold does with the records of one live (not deleted) session, by index into the input. */
interface SessionTrace {
  /** Greatest seq applied so far (the fold's lastSeq); -1 before the first record. */
  lastSeq: number;
  firstIdx: number;
  lastSeqIdx: number;
  maxAt: number;
  maxAtIdx: number;
  starts: number[];
  lastFinal: Map<number, number>;
  lastPartial: Map<number, number>;
  lastStopIdx: number;
  checkpointIdx: number;
  checkpointUpTo: number;
}

export function compactRecords(records: WalRecord[]): WalRecord[] {
  const tombstoneIdx = new Map<string, number>();
  records.forEach((r, i) => {
    if (r.type === 'session-delete' && !tombstoneIdx.has(r.sessionId)) tombstoneIdx.set(r.sessionId, i);
  });

  const traces = new Map<string, SessionTrace>();
  records.forEach((r, i) => {
    if (tombstoneIdx.has(r.sessionId)) return;
    let t = traces.get(r.sessionId);
    if (!t) {
      t = {
        lastSeq: -1,
        firstIdx: i,
        lastSeqIdx: i,
        maxAt: r.at,
        maxAtIdx: i,
        starts: [],
        lastFinal: new Map(),
        lastPartial: new Map(),
        lastStopIdx: -1,
        checkpointIdx: -1,
        checkpointUpTo: -1,
      };
      traces.set(r.sessionId, t);
    }
    // Same rule as RecoveryFold.apply: checkpoints always apply, anything else only above lastSeq.
    if (r.seq <= t.lastSeq && r.type !== 'checkpoint') return;
    if (r.seq > t.lastSeq) {
      t.lastSeq = r.seq;
      t.lastSeqIdx = i;
    }
    if (r.at > t.maxAt) {
      t.maxAt = r.at;
      t.maxAtIdx = i;
    }
    switch (r.type) {
      case 'session-start':
        t.starts.push(i);
        break;
      case 'partial':
        t.lastPartial.set(r.utterance, i);
        break;
      case 'final':
        t.lastFinal.set(r.utterance, i);
        break;
      case 'session-stop':
        t.lastStopIdx = i;
        break;
      case 'checkpoint':
        if (r.upToSeq > t.checkpointUpTo || t.checkpointIdx < 0) {
          t.checkpointUpTo = r.upToSeq;
          t.checkpointIdx = i;
        }
        break;
      case 'session-delete':
        break; // not reached: deleted sessions are skipped above
    }
  });

  const keep = new Uint8Array(records.length);
  for (const i of tombstoneIdx.values()) keep[i] = 1;
  for (const t of traces.values()) {
    keep[t.firstIdx] = 1;
    keep[t.lastSeqIdx] = 1;
    keep[t.maxAtIdx] = 1;
    for (const i of t.starts) keep[i] = 1;
    for (const i of t.lastFinal.values()) keep[i] = 1;
    for (const [utterance, i] of t.lastPartial) if (!t.lastFinal.has(utterance)) keep[i] = 1;
    if (t.lastStopIdx >= 0) keep[t.lastStopIdx] = 1;
    if (t.checkpointIdx >= 0) keep[t.checkpointIdx] = 1;
  }
  return records.filter((_, i) => keep[i] === 1);
}

/**
 * The canonical records of a folded session, for writing its session (checkpoint) file:
 * SESSION_START (seq 0), one FINAL per final and one PARTIAL per pending utterance in utterance
 * order, SESSION_STOP if it was stopped, and a closing CHECKPOINT with seq = upToSeq = lastSeq and
 * at = updatedAt. Folding them gives back the same session, except that checkpointSeq becomes
 * lastSeq (the file is by definition durable up to there), `records`/`duplicates` count these
 * records, and a session with `missingStart` gets a SESSION_START with its '' title/source/lang
 * (writing the file adopts the orphan). WAL records with seq > lastSeq continue it.
 *
 * Record times: a final's `at` is not part of the folded state, so it is startedAt + endMs clamped
 * to [startedAt, updatedAt]; a pending partial's `at` is startedAt + endMs (the inverse of the
 * fold's estimate), clamped to updatedAt; the stop's is stoppedAt.
 *
 * Throws a RangeError if lastSeq is too small to number the records below it, which a session
 * folded from a real writer's records cannot be (each of its records had its own seq ≤ lastSeq).
 */
export function sessionToRecords(session: FoldedSession): WalRecord[] {
  const { id: sessionId, startedAt, updatedAt } = session;
  const out: WalRecord[] = [];
  let seq = 0;
  out.push({
    type: 'session-start',
    sessionId,
    seq: seq++,
    at: startedAt,
    title: session.title,
    source: session.source,
    lang: session.lang,
  });
  const finals = new Set(session.finals);
  for (const u of utterancesOf(session)) {
    if (!finals.has(u)) {
      out.push({
        type: 'partial',
        sessionId,
        seq: seq++,
        at: Math.min(startedAt + u.endMs, updatedAt),
        utterance: u.index,
        startMs: u.startMs,
        text: u.text,
      });
    } else {
      out.push({
        type: 'final',
        sessionId,
        seq: seq++,
        at: Math.max(startedAt, Math.min(startedAt + u.endMs, updatedAt)),
        utterance: u.index,
        startMs: u.startMs,
        endMs: u.endMs,
        text: u.text,
        confidence: u.confidence,
      });
    }
  }
  if (session.status === 'stopped') {
    out.push({ type: 'session-stop', sessionId, seq: seq++, at: session.stoppedAt ?? updatedAt, reason: '' });
  }
  if (seq - 1 > session.lastSeq) {
    throw new RangeError(
      `sessionToRecords: session ${sessionId} has ${seq} records but lastSeq ${session.lastSeq}; cannot number them`,
    );
  }
  out.push({
    type: 'checkpoint',
    sessionId,
    seq: session.lastSeq,
    at: updatedAt,
    upToSeq: session.lastSeq,
    finals: session.finals.length,
  });
  return out;
}
