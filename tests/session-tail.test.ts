import { describe, expect, it } from 'vitest';
import type { WalRecord } from '../src/core/records.ts';
import { foldRecords, utterancesOf, type FoldedSession } from '../src/core/recovery-fold.ts';
import { SessionTail } from '../src/core/session-tail.ts';
import { mulberry32, sampleRecords } from './helpers/sample-records.ts';

/**
 * One session's stream as a recogniser produces it, renumbered seq 0..n−1, with what makes folding
 * tricky mixed in: corrected finals (a later FINAL of an earlier utterance) and stale partials (a
 * PARTIAL of an utterance that already has its FINAL).
 */
function trickyStream(seed: number): WalRecord[] {
  const rand = mulberry32(seed);
  const base = sampleRecords({ seed, sessions: 1, utterances: 40 }).filter((r) => r.type !== 'checkpoint');
  const out: WalRecord[] = [];
  const finals: Array<Extract<WalRecord, { type: 'final' }>> = [];
  for (const r of base) {
    out.push(r);
    if (r.type === 'final') finals.push(r);
    if (finals.length > 0 && rand() < 0.05) {
      const old = finals[Math.floor(rand() * finals.length)]!;
      out.push(
        rand() < 0.5
          ? { ...old, text: `${old.text} (corrected)` }
          : {
              type: 'partial',
              sessionId: old.sessionId,
              seq: 0,
              at: old.at,
              utterance: old.utterance,
              startMs: old.startMs,
              text: 'stale',
            },
      );
    }
  }
  // A stop at the very end stays in the tail; everything gets its position as seq.
  return out.map((r, seq) => ({ ...r, seq, at: Math.max(r.at, out[0]!.at) }));
}

/** The parts of a folded session a transcript shows (record counts and checkpointSeq legitimately differ). */
function visible(session: FoldedSession | undefined) {
  if (!session) return undefined;
  return {
    title: session.title,
    startedAt: session.startedAt,
    stoppedAt: session.stoppedAt,
    status: session.status,
    utterances: utterancesOf(session),
  };
}

/**
 * …plus what a session file must also keep: lastSeq and updatedAt (the live view takes those from the
 * session's index row instead, so an ignored stale partial at the very end need not move them).
 */
function durable(session: FoldedSession | undefined) {
  return session && { ...visible(session), lastSeq: session.lastSeq, updatedAt: session.updatedAt };
}

describe('SessionTail', () => {
  it('session file chunks + the tail fold to the same session as every record, at any checkpoint cadence', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const records = trickyStream(seed);
      const id = records[0]!.sessionId;
      const rand = mulberry32(seed * 7919);
      const tail = new SessionTail();
      const file: WalRecord[] = [];
      let lastCheckpoint = -1;
      let updatedAt = 0;
      let maxHeld = 0;
      for (let i = 0; i < records.length; i++) {
        const r = records[i]!;
        tail.apply(r);
        updatedAt = Math.max(updatedAt, r.at);
        maxHeld = Math.max(maxHeld, tail.heldFinals);
        if (rand() < 0.08) {
          file.push(...tail.checkpointChunk(id, r.seq, updatedAt, 0));
          tail.markCheckpointed(r.seq);
          lastCheckpoint = r.seq;
        }
        // Checked at random points while recording, as readSession of a live session does.
        if (rand() < 0.1 || i === records.length - 1) {
          const live = foldRecords([...file, ...tail.recordsSince(lastCheckpoint)]).sessions.get(id);
          const expected = foldRecords(records.slice(0, i + 1)).sessions.get(id);
          expect(visible(live), `seed ${seed}, after record ${i}`).toEqual(visible(expected));
        }
      }
      // A final checkpoint alone (the stop checkpoint) rebuilds the whole session from the file.
      file.push(...tail.checkpointChunk(id, records.length - 1, updatedAt, 0));
      expect(durable(foldRecords(file).sessions.get(id))).toEqual(
        durable(foldRecords(records).sessions.get(id)),
      );
      expect(maxHeld).toBeLessThan(foldRecords(records).sessions.get(id)!.finals.length);
    }
  });

  it('holds only the finals since the last checkpoint, and keeps open utterances across checkpoints', () => {
    const tail = new SessionTail();
    const s = 'x';
    const at = 1;
    tail.apply({ type: 'session-start', sessionId: s, seq: 0, at, title: 't', source: 'demo', lang: 'en' });
    tail.apply({ type: 'partial', sessionId: s, seq: 1, at, utterance: 0, startMs: 0, text: 'hel' });
    tail.apply({
      type: 'final',
      sessionId: s,
      seq: 2,
      at,
      utterance: 0,
      startMs: 0,
      endMs: 5,
      text: 'hello',
      confidence: 1,
    });
    tail.apply({ type: 'partial', sessionId: s, seq: 3, at, utterance: 1, startMs: 6, text: 'wor' });
    expect(tail.heldFinals).toBe(1);
    expect(tail.openCount).toBe(1);
    const chunk = tail.checkpointChunk(s, 3, at, 1);
    expect(chunk.map((r) => `${r.type}@${r.seq}`)).toEqual([
      'session-start@0',
      'final@2',
      'partial@3',
      'checkpoint@3',
    ]);
    tail.markCheckpointed(3);
    expect(tail.heldFinals).toBe(0);
    expect(tail.openCount).toBe(1); // utterance 1 is still open: its partial is in the file
    expect(tail.recordsSince(3)).toEqual([]);
    // A stale partial of the finalized utterance 0 is ignored, as the fold ignores it.
    tail.apply({ type: 'partial', sessionId: s, seq: 4, at, utterance: 0, startMs: 0, text: 'stale' });
    expect(tail.recordsSince(3)).toEqual([]);
    expect(tail.checkpointChunk(s, 4, at, 1).map((r) => r.type)).toEqual(['checkpoint']);
  });
});
