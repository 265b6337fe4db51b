import { describe, expect, it } from 'vitest';
import type { FoldedSession } from '../src/core/recovery-fold.ts';
import { RecoveryFold, foldRecords, utterancesOf } from '../src/core/recovery-fold.ts';
import type { WalRecord } from '../src/core/records.ts';

const T0 = 1_700_000_000_000;

/** Builds the records one writer produces for one session: seq 0 for the start, then +1 each. */
function writer(sessionId: string, startAt = T0) {
  let seq = 0;
  let at = startAt;
  const next = (o?: { seq?: number; at?: number }) => {
    const s = o?.seq ?? seq;
    seq = s + 1;
    at = o?.at ?? at + 100;
    return { sessionId, seq: s, at };
  };
  return {
    start: (title = 'Meeting', o?: { seq?: number; at?: number }): WalRecord => ({
      type: 'session-start',
      ...next({ at: startAt, ...o }),
      title,
      source: 'demo',
      lang: 'en-GB',
    }),
    partial: (
      utterance: number,
      text: string,
      o?: { seq?: number; at?: number; startMs?: number },
    ): WalRecord => ({
      type: 'partial',
      ...next(o),
      utterance,
      startMs: o?.startMs ?? utterance * 1000,
      text,
    }),
    final: (
      utterance: number,
      text: string,
      o?: { seq?: number; at?: number; confidence?: number | null },
    ): WalRecord => ({
      type: 'final',
      ...next(o),
      utterance,
      startMs: utterance * 1000,
      endMs: utterance * 1000 + 900,
      text,
      confidence: o?.confidence === undefined ? 0.9 : o.confidence,
    }),
    stop: (o?: { seq?: number; at?: number }): WalRecord => ({
      type: 'session-stop',
      ...next(o),
      reason: 'user',
    }),
    checkpoint: (upToSeq: number, o?: { seq?: number; at?: number }): WalRecord => ({
      type: 'checkpoint',
      ...next(o),
      upToSeq,
      finals: 0,
    }),
    del: (o?: { seq?: number; at?: number }): WalRecord => ({ type: 'session-delete', ...next(o) }),
  };
}

const texts = (us: { text: string }[]) => us.map((u) => u.text);

describe('recovery fold', () => {
  it('folds a stopped session: metadata, finals in order, times', () => {
    const w = writer('a');
    const records = [
      w.start('Standup'),
      w.partial(0, 'hel'),
      w.partial(0, 'hello'),
      w.final(0, 'Hello.'),
      w.stop(),
    ];
    const { sessions, deleted, duplicates, orphans } = foldRecords(records);
    expect(deleted.size).toBe(0);
    expect(duplicates).toBe(0);
    expect(orphans).toBe(0);
    const s = sessions.get('a')!;
    expect(s).toMatchObject({
      id: 'a',
      title: 'Standup',
      source: 'demo',
      lang: 'en-GB',
      startedAt: T0,
      updatedAt: records[4]!.at,
      stoppedAt: records[4]!.at,
      status: 'stopped',
      pending: [],
      lastSeq: 4,
      checkpointSeq: null,
      records: 5,
      duplicates: 0,
    });
    expect(s.missingStart).toBeUndefined();
    expect(s.finals).toEqual([
      { index: 0, text: 'Hello.', startMs: 0, endMs: 900, confidence: 0.9, uncertain: false },
    ]);
  });

  it('orders finals by utterance index, whatever order they were written in', () => {
    const w = writer('a');
    const s = foldRecords([w.start(), w.final(2, 'two'), w.final(0, 'zero'), w.final(1, 'one')]).sessions.get(
      'a',
    )!;
    expect(texts(s.finals)).toEqual(['zero', 'one', 'two']);
    expect(s.finals.map((u) => u.index)).toEqual([0, 1, 2]);
  });

  it('a final supersedes the partials of its utterance only', () => {
    const w = writer('a');
    const s = foldRecords([
      w.start(),
      w.partial(0, 'good'),
      w.partial(1, 'and y'),
      w.partial(0, 'good morning'),
      w.final(0, 'Good morning.'),
      w.partial(1, 'and you'),
    ]).sessions.get('a')!;
    expect(texts(s.finals)).toEqual(['Good morning.']);
    expect(s.pending).toHaveLength(1);
    expect(s.pending[0]).toMatchObject({ index: 1, text: 'and you', uncertain: true, confidence: null });
  });

  it('ignores a stale partial that arrives after its final, and lets a later final correct an earlier one', () => {
    const w = writer('a');
    const s = foldRecords([
      w.start(),
      w.final(0, 'Their.'),
      w.partial(0, 'the'),
      w.final(0, 'There.', { confidence: null }),
    ]).sessions.get('a')!;
    expect(s.pending).toEqual([]);
    expect(s.finals).toHaveLength(1);
    expect(s.finals[0]).toMatchObject({ text: 'There.', confidence: null });
  });

  it('an interrupted session keeps the trailing partial of each open utterance as uncertain', () => {
    const w = writer('a');
    const records = [
      w.start(),
      w.final(0, 'First.'),
      w.partial(1, 'sec'),
      w.partial(1, 'second', { at: T0 + 2_500, startMs: 1_000 }),
      w.partial(2, 'thi', { at: T0 + 2_600, startMs: 3_000 }),
    ];
    const s = foldRecords(records).sessions.get('a')!;
    expect(s.status).toBe('interrupted');
    expect(s.stoppedAt).toBeNull();
    expect(s.pending).toEqual([
      // endMs estimated from the partial's wall-clock time…
      { index: 1, text: 'second', startMs: 1_000, endMs: 2_500, confidence: null, uncertain: true },
      // …but never before the utterance start.
      { index: 2, text: 'thi', startMs: 3_000, endMs: 3_000, confidence: null, uncertain: true },
    ]);
    expect(utterancesOf(s).map((u) => [u.index, u.text, u.uncertain])).toEqual([
      [0, 'First.', false],
      [1, 'second', true],
      [2, 'thi', true],
    ]);
  });

  it('a stopped session with an open utterance still keeps its text, marked uncertain', () => {
    const w = writer('a');
    const s = foldRecords([w.start(), w.partial(0, 'last words'), w.stop()]).sessions.get('a')!;
    expect(s.status).toBe('stopped');
    expect(s.pending.map((u) => [u.text, u.uncertain])).toEqual([['last words', true]]);
  });

  describe('duplicates (retries) by seq', () => {
    it('ignores and counts records whose seq is not above lastSeq', () => {
      const w = writer('a');
      const start = w.start();
      const p = w.partial(0, 'one');
      const f = w.final(0, 'One.');
      const later = w.partial(1, 'two');
      const retried = [start, p, f, { ...p, text: 'retried text differs' } as WalRecord, later, later];
      const result = foldRecords(retried);
      const s = result.sessions.get('a')!;
      expect(result.duplicates).toBe(2);
      expect(s.duplicates).toBe(2);
      expect(s.records).toBe(4);
      expect(texts(s.finals)).toEqual(['One.']);
      expect(texts(s.pending)).toEqual(['two']);
      expect(s.lastSeq).toBe(3);
    });

    it('counts duplicates per session', () => {
      const a = writer('a');
      const b = writer('b');
      const aStart = a.start();
      const bStart = b.start();
      const result = foldRecords([aStart, bStart, a.final(0, 'x'), aStart, bStart, bStart]);
      expect(result.sessions.get('a')!.duplicates).toBe(1);
      expect(result.sessions.get('b')!.duplicates).toBe(2);
      expect(result.duplicates).toBe(3);
    });
  });

  it('does not mind gaps in seq (lost records)', () => {
    const w = writer('a');
    const s = foldRecords([
      w.start(),
      w.final(0, 'zero'),
      w.final(2, 'two', { seq: 7 }),
      w.partial(3, 'thr', { seq: 20 }),
      w.final(1, 'one (late seq 5, a duplicate after 20)', { seq: 5 }),
      w.final(3, 'three', { seq: 21 }),
    ]).sessions.get('a')!;
    expect(texts(s.finals)).toEqual(['zero', 'two', 'three']);
    expect(s.pending).toEqual([]);
    expect(s.duplicates).toBe(1);
    expect(s.lastSeq).toBe(21);
  });

  describe('deletion', () => {
    it('drops the session and every later record of it', () => {
      const a = writer('a');
      const b = writer('b');
      const result = foldRecords([
        a.start(),
        b.start(),
        a.final(0, 'secret'),
        a.del(),
        a.final(1, 'written after the delete'),
        a.partial(2, 'more'),
        b.final(0, 'kept'),
      ]);
      expect([...result.sessions.keys()]).toEqual(['b']);
      expect([...result.deleted]).toEqual(['a']);
      expect(result.orphans).toBe(0); // records after a delete are not orphans, just gone
      expect(JSON.stringify([...result.sessions.values()])).not.toContain('secret');
    });

    it('wins whatever its seq', () => {
      const a = writer('a');
      const result = foldRecords([a.start(), a.final(0, 'x'), a.final(1, 'y'), a.del({ seq: 1 })]);
      expect(result.sessions.size).toBe(0);
      expect(result.deleted.has('a')).toBe(true);
    });

    it('drops a base session too, and a delete of an unknown session is remembered', () => {
      const a = writer('a');
      const base = foldRecords([a.start(), a.final(0, 'from the checkpoint file')]).sessions.get('a')!;
      const fold = new RecoveryFold([base]);
      fold.apply(writer('ghost').del({ seq: 3 }));
      fold.apply(a.del());
      const result = fold.result();
      expect(result.sessions.size).toBe(0);
      expect([...result.deleted].sort()).toEqual(['a', 'ghost']);
    });
  });

  describe('orphans (no SESSION_START)', () => {
    it('keeps them as an untitled interrupted session and counts their records', () => {
      const w = writer('lost', T0);
      w.start(); // written to a segment that was lost
      const records = [
        w.final(0, 'still here', { at: T0 + 5_000 }),
        w.partial(1, 'and thi', { at: T0 + 6_000 }),
      ];
      const result = foldRecords(records);
      expect(result.orphans).toBe(2);
      const s = result.sessions.get('lost')!;
      expect(s).toMatchObject({
        title: '',
        source: '',
        lang: '',
        status: 'interrupted',
        missingStart: true,
        startedAt: T0 + 5_000, // the first record seen
        updatedAt: T0 + 6_000,
      });
      expect(utterancesOf(s).map((u) => u.text)).toEqual(['still here', 'and thi']);
    });

    it('adopts the metadata of a SESSION_START that turns up later with a greater seq', () => {
      const w = writer('x');
      const result = foldRecords([
        w.final(0, 'early', { seq: 1, at: T0 + 500 }),
        w.start('Named', { seq: 2 }),
      ]);
      const s = result.sessions.get('x')!;
      expect(s.title).toBe('Named');
      expect(s.missingStart).toBeUndefined();
      expect(s.startedAt).toBe(T0);
      expect(result.orphans).toBe(1);
    });
  });

  describe('checkpoints', () => {
    it('set checkpointSeq, only ever raising it', () => {
      const w = writer('a');
      const records = [w.start(), w.final(0, 'a'), w.checkpoint(1), w.final(1, 'b'), w.checkpoint(3)];
      expect(foldRecords(records).sessions.get('a')!.checkpointSeq).toBe(3);
      const stale = { ...records[2]!, seq: 10 } as WalRecord;
      expect(foldRecords([...records, stale]).sessions.get('a')!.checkpointSeq).toBe(3);
    });

    it('are applied even when replayed with an old seq, and never counted as duplicates', () => {
      const w = writer('a');
      const cp = w.checkpoint(0, { seq: 1 });
      const records = [w.start('t', { seq: 0 }), cp, w.final(0, 'x', { seq: 2 }), { ...cp } as WalRecord];
      const result = foldRecords(records);
      expect(result.duplicates).toBe(0);
      expect(result.sessions.get('a')!.lastSeq).toBe(2);
      expect(result.sessions.get('a')!.checkpointSeq).toBe(0);
    });
  });

  describe('base sessions (from checkpoint files)', () => {
    it('continue with WAL records whose seq is above the base lastSeq; older ones are duplicates', () => {
      const w = writer('a');
      const all = [
        w.start(),
        w.final(0, 'zero'),
        w.partial(1, 'on'),
        w.checkpoint(2),
        w.final(1, 'one'),
        w.partial(2, 'tw'),
        w.stop(),
      ];
      const base = foldRecords(all.slice(0, 4)).sessions.get('a')!;
      expect(base.pending.map((u) => u.text)).toEqual(['on']);
      // The WAL still holds the checkpointed records too (segment not deleted yet).
      const continued = foldRecords(all, [base]).sessions.get('a')!;
      const direct = foldRecords(all).sessions.get('a')!;
      expect({ ...continued, records: 0, duplicates: 0 }).toEqual({ ...direct, records: 0, duplicates: 0 });
      // start, final 0 and partial 1 again; the replayed checkpoint is applied (idempotent), not a duplicate.
      expect(continued.duplicates).toBe(3);
      expect(utterancesOf(continued).map((u) => u.text)).toEqual(['zero', 'one', 'tw']);
    });

    it('are not mutated by the fold', () => {
      const w = writer('a');
      const base = foldRecords([w.start(), w.partial(0, 'x')]).sessions.get('a')!;
      const frozen = structuredClone(base);
      foldRecords([w.final(0, 'X.'), w.stop()], [base]);
      expect(base).toEqual(frozen);
    });

    it('a stopped base with a null stoppedAt is treated as stopped at its updatedAt', () => {
      const base: FoldedSession = {
        id: 'b',
        title: 't',
        source: 's',
        lang: '',
        startedAt: T0,
        updatedAt: T0 + 50,
        stoppedAt: null,
        status: 'stopped',
        finals: [],
        pending: [{ index: 0, text: 'p', startMs: 0, endMs: 40, confidence: null, uncertain: true }],
        lastSeq: 3,
        checkpointSeq: null,
        records: 4,
        duplicates: 0,
      };
      const s = foldRecords([], [base]).sessions.get('b')!;
      expect(s.status).toBe('stopped');
      expect(s.stoppedAt).toBe(T0 + 50);
      expect(s.pending).toEqual(base.pending);
    });
  });

  it('keeps sessions apart when their records interleave', () => {
    const a = writer('a');
    const b = writer('b', T0 + 10);
    const result = foldRecords([
      a.start('A'),
      b.start('B'),
      a.partial(0, 'a0'),
      b.partial(0, 'b0'),
      b.final(0, 'B0'),
      a.final(0, 'A0'),
      a.stop(),
    ]);
    expect(result.sessions.get('a')).toMatchObject({ title: 'A', status: 'stopped', pending: [] });
    expect(texts(result.sessions.get('a')!.finals)).toEqual(['A0']);
    expect(result.sessions.get('b')).toMatchObject({ title: 'B', status: 'interrupted', pending: [] });
    expect(texts(result.sessions.get('b')!.finals)).toEqual(['B0']);
  });

  it('switching between sessions, deleting the last one seen and retrying after it all keep the rules', () => {
    // The fold remembers the last session it applied a record to; runs of one session, switches and
    // a delete of that very session must not change the outcome.
    const a = writer('a');
    const b = writer('b', T0 + 10);
    const aStart = a.start('A');
    const aPartial = a.partial(0, 'a0');
    const result = foldRecords([
      aStart,
      aPartial,
      aPartial, // retry: duplicate while 'a' is the remembered session
      b.start('B'),
      aPartial, // duplicate after switching back
      b.partial(0, 'b0'),
      b.del(),
      b.partial(1, 'after delete'), // deleted: ignored, whether remembered or not
      a.final(0, 'A0'),
      b.final(0, 'ignored too'),
    ]);
    expect([...result.sessions.keys()]).toEqual(['a']);
    expect(result.deleted).toEqual(new Set(['b']));
    expect(result.duplicates).toBe(2);
    expect(result.sessions.get('a')).toMatchObject({ records: 3, duplicates: 2, pending: [] });
    expect(texts(result.sessions.get('a')!.finals)).toEqual(['A0']);
  });

  it('keeps the latest partial per utterance across runs, switches between utterances and finals', () => {
    // The fold remembers where the last kept partial went; switching utterances, a final of that
    // utterance and stale partials after it must not change what is kept.
    const w = writer('a');
    const records = [
      w.start(),
      w.partial(0, 'zero a'),
      w.partial(0, 'zero a b'),
      w.partial(1, 'one a'),
      w.partial(0, 'zero a b c'),
      w.partial(1, 'one a b'),
      w.final(1, 'One.'),
      w.partial(1, 'one stale'),
      w.partial(2, 'two a'),
      w.partial(0, 'zero a b c d'),
    ];
    const folded = foldRecords(records).sessions.get('a')!;
    expect(texts(folded.finals)).toEqual(['One.']);
    expect(texts(folded.pending)).toEqual(['zero a b c d', 'two a']);
    // Continuing from that result as a base: a partial of an open utterance replaces its text.
    const more = foldRecords([w.partial(2, 'two a b'), w.final(0, 'Zero.')], [folded]).sessions.get('a')!;
    expect(texts(more.finals)).toEqual(['Zero.', 'One.']);
    expect(texts(more.pending)).toEqual(['two a b']);
  });

  it('is incremental: result() is a snapshot, and applying segment after segment equals one pass', () => {
    const w = writer('a');
    const seg1 = [w.start(), w.partial(0, 'x')];
    const seg2 = [w.final(0, 'X.'), w.stop()];
    const fold = new RecoveryFold();
    seg1.forEach((r) => fold.apply(r));
    const mid = fold.result();
    seg2.forEach((r) => fold.apply(r));
    expect(mid.sessions.get('a')!.status).toBe('interrupted');
    expect(texts(mid.sessions.get('a')!.pending)).toEqual(['x']);
    expect(fold.result()).toEqual(foldRecords([...seg1, ...seg2]));
  });

  it('updatedAt is the latest time seen even if the clock stepped back', () => {
    const w = writer('a');
    const s = foldRecords([
      w.start(),
      w.final(0, 'x', { at: T0 + 9_000 }),
      w.final(1, 'y', { at: T0 + 3_000 }),
    ]).sessions.get('a')!;
    expect(s.updatedAt).toBe(T0 + 9_000);
  });

  it('utterancesOf prefers a final over a pending utterance of the same index', () => {
    const s: FoldedSession = {
      ...foldRecords([writer('a').start()]).sessions.get('a')!,
      finals: [{ index: 1, text: 'final', startMs: 0, endMs: 1, confidence: 1, uncertain: false }],
      pending: [
        { index: 0, text: 'p0', startMs: 0, endMs: 1, confidence: null, uncertain: true },
        { index: 1, text: 'p1', startMs: 0, endMs: 1, confidence: null, uncertain: true },
      ],
    };
    expect(texts(utterancesOf(s))).toEqual(['p0', 'final']);
  });
});
