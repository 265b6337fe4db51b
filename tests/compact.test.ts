import { describe, expect, it } from 'vitest';
import { compactRecords, sessionToRecords } from '../src/core/compact.ts';
import type { FoldResult, FoldedSession } from '../src/core/recovery-fold.ts';
import { foldRecords } from '../src/core/recovery-fold.ts';
import { encodeFrames, readSegment } from '../src/core/framing.ts';
import type { WalRecord } from '../src/core/records.ts';
import { mulberry32, sampleRecords } from './helpers/sample-records.ts';

const T0 = 1_700_000_000_000;

/**
 * A random but plausible record stream: several interleaved sessions written by writers that
 * retry (duplicates), lose records (seq gaps), lose their SESSION_START (orphans), correct finals,
 * send stale partials, checkpoint, stop, get deleted (and keep writing), and whose clocks step back.
 */
function randomStream(seed: number): WalRecord[] {
  const rnd = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const out: WalRecord[] = [];
  const sessions = Array.from({ length: 1 + Math.floor(rnd() * 4) }, (_, i) => ({
    id: `s${i}`,
    seq: 0,
    started: false,
    at: T0 + i * 1000,
    utterance: 0,
    open: new Set<number>(),
    finalised: [] as number[],
  }));
  const steps = 5 + Math.floor(rnd() * 80);
  for (let step = 0; step < steps; step++) {
    const s = pick(sessions);
    s.at += rnd() < 0.05 ? -Math.floor(rnd() * 5000) : Math.floor(rnd() * 400);
    const base = () => {
      if (rnd() < 0.05) s.seq += 1 + Math.floor(rnd() * 3); // records lost
      return { sessionId: s.id, seq: s.seq++, at: s.at };
    };
    if (!s.started) {
      s.started = true;
      if (rnd() < 0.85) {
        out.push({ type: 'session-start', ...base(), title: `Title ${s.id}`, source: 'demo', lang: 'en' });
      } else {
        s.seq = 1 + Math.floor(rnd() * 3); // the start went missing
      }
      continue;
    }
    const r = rnd();
    if (r < 0.45) {
      const u = s.open.size > 0 && rnd() < 0.8 ? pick([...s.open]) : s.utterance++;
      s.open.add(u);
      out.push({ type: 'partial', ...base(), utterance: u, startMs: u * 1000, text: `p${u}-${step}` });
    } else if (r < 0.7) {
      const correction = s.finalised.length > 0 && rnd() < 0.1;
      const u = correction ? pick(s.finalised) : s.open.size > 0 ? pick([...s.open]) : s.utterance++;
      s.open.delete(u);
      s.finalised.push(u);
      const confidence = rnd() < 0.2 ? null : Math.round(rnd() * 1000) / 1000;
      out.push({
        type: 'final',
        ...base(),
        utterance: u,
        startMs: u * 1000,
        endMs: u * 1000 + 800,
        text: `F${u}-${step}`,
        confidence,
      });
    } else if (r < 0.75 && s.finalised.length > 0) {
      const u = pick(s.finalised); // stale partial after its final
      out.push({ type: 'partial', ...base(), utterance: u, startMs: u * 1000, text: `stale${u}-${step}` });
    } else if (r < 0.87 && out.length > 0) {
      out.push({ ...pick(out) }); // a retry of an earlier record (any session)
    } else if (r < 0.92) {
      out.push({
        type: 'checkpoint',
        ...base(),
        upToSeq: Math.max(0, s.seq - 1 - Math.floor(rnd() * 3)),
        finals: 0,
      });
    } else if (r < 0.97) {
      out.push({ type: 'session-stop', ...base(), reason: 'user' });
    } else {
      out.push({ type: 'session-delete', ...base() });
    }
  }
  return out;
}

/** The folded state that matters, without the bookkeeping counters that compaction changes on purpose. */
function content(session: FoldedSession) {
  const { records: _records, duplicates: _duplicates, ...rest } = session;
  return rest;
}

function comparable(result: FoldResult) {
  return {
    sessions: [...result.sessions.values()].map(content).sort((a, b) => a.id.localeCompare(b.id)),
    deleted: [...result.deleted].sort(),
  };
}

const SEEDS = Array.from({ length: 400 }, (_, i) => i + 1);

describe('compactRecords', () => {
  it('drops superseded partials and keeps start, finals, the latest open partial and the stop', () => {
    const r = (x: Partial<WalRecord> & Pick<WalRecord, 'type' | 'seq'>) =>
      ({ sessionId: 'a', at: T0 + x.seq, ...x }) as WalRecord;
    const start = r({ type: 'session-start', seq: 0, title: 't', source: 'demo', lang: '' } as WalRecord);
    const p0a = r({ type: 'partial', seq: 1, utterance: 0, startMs: 0, text: 'he' } as WalRecord);
    const p0b = r({ type: 'partial', seq: 2, utterance: 0, startMs: 0, text: 'hello' } as WalRecord);
    const f0 = r({
      type: 'final',
      seq: 3,
      utterance: 0,
      startMs: 0,
      endMs: 10,
      text: 'Hello.',
      confidence: 1,
    } as WalRecord);
    const p1a = r({ type: 'partial', seq: 4, utterance: 1, startMs: 20, text: 'wor' } as WalRecord);
    const cp = r({ type: 'checkpoint', seq: 5, upToSeq: 4, finals: 1 } as WalRecord);
    const p1b = r({ type: 'partial', seq: 6, utterance: 1, startMs: 20, text: 'world' } as WalRecord);
    const stop = r({ type: 'session-stop', seq: 7, reason: 'user' } as WalRecord);
    const input = [start, p0a, p0b, f0, p1a, cp, p1b, stop];
    expect(compactRecords(input)).toEqual([start, f0, cp, p1b, stop]);
  });

  it('reduces a deleted session to one content-free tombstone', () => {
    const a = (type: WalRecord['type'], seq: number, extra: object = {}) =>
      ({ type, sessionId: 'a', seq, at: T0 + seq, ...extra }) as WalRecord;
    const b = {
      type: 'session-start',
      sessionId: 'b',
      seq: 0,
      at: T0,
      title: 'B',
      source: '',
      lang: '',
    } as WalRecord;
    const input = [
      a('session-start', 0, { title: 'secret title', source: 'demo', lang: '' }),
      b,
      a('final', 1, { utterance: 0, startMs: 0, endMs: 5, text: 'secret text', confidence: null }),
      a('session-delete', 2),
      a('partial', 3, { utterance: 1, startMs: 0, text: 'secret after delete' }),
      a('session-delete', 4),
    ];
    const out = compactRecords(input);
    expect(out).toEqual([b, input[3]]);
    expect(JSON.stringify(out)).not.toContain('secret');
  });

  it('drops retried duplicates', () => {
    const start = {
      type: 'session-start',
      sessionId: 'a',
      seq: 0,
      at: T0,
      title: '',
      source: '',
      lang: '',
    } as const;
    const f = {
      type: 'final',
      sessionId: 'a',
      seq: 1,
      at: T0,
      utterance: 0,
      startMs: 0,
      endMs: 1,
      text: 'x',
      confidence: null,
    } as const;
    expect(compactRecords([start, f, start, f, f])).toEqual([start, f]);
  });

  it('keeps a SESSION_START that turns up after records of its session (it names the session)', () => {
    const f = {
      type: 'final',
      sessionId: 'a',
      seq: 1,
      at: T0 + 10,
      utterance: 0,
      startMs: 0,
      endMs: 1,
      text: 'x',
      confidence: null,
    } as const;
    const start = {
      type: 'session-start',
      sessionId: 'a',
      seq: 2,
      at: T0,
      title: 'Named',
      source: '',
      lang: '',
    } as const;
    const p = (seq: number, text: string) =>
      ({ type: 'partial', sessionId: 'a', seq, at: T0 + 20 + seq, utterance: 1, startMs: 5, text }) as const;
    const input: WalRecord[] = [f, start, p(3, 'a'), p(4, 'ab'), p(5, 'abc')];
    const out = compactRecords(input);
    expect(out).toEqual([f, start, p(5, 'abc')]);
    expect(comparable(foldRecords(out))).toEqual(comparable(foldRecords(input)));
  });

  it('returns an empty stream for an empty stream', () => {
    expect(compactRecords([])).toEqual([]);
  });

  it('compacts a realistic segment (shared sample generator) through the codec', () => {
    const input = sampleRecords({ seed: 7, sessions: 3, utterances: 30 });
    const bytes = encodeFrames(input);
    const out = compactRecords(readSegment(bytes).records.map((f) => f.record));
    const compacted = encodeFrames(out);
    expect(compacted.length).toBeLessThan(bytes.length / 2);
    const reread = readSegment(compacted).records.map((f) => f.record);
    expect(comparable(foldRecords(reread))).toEqual(comparable(foldRecords(input)));
    // Every utterance of the sample ends with a final, so no partial survives compaction.
    expect(input.some((r) => r.type === 'partial')).toBe(true);
    expect(reread.filter((r) => r.type === 'partial')).toEqual([]);
  });

  describe(`properties over ${SEEDS.length} seeded random streams`, () => {
    const streams = SEEDS.map((seed) => ({ seed, input: randomStream(seed) }));

    it('the generator exercises what compaction must handle', () => {
      const all = streams.flatMap((s) => s.input);
      const folded = streams.map((s) => foldRecords(s.input));
      expect(folded.some((f) => f.duplicates > 0)).toBe(true);
      expect(folded.some((f) => f.orphans > 0)).toBe(true);
      expect(folded.some((f) => f.deleted.size > 0)).toBe(true);
      expect(folded.some((f) => [...f.sessions.values()].some((s) => s.pending.length > 0))).toBe(true);
      expect(folded.some((f) => [...f.sessions.values()].some((s) => s.status === 'stopped'))).toBe(true);
      expect(all.filter((r) => r.type === 'partial').length).toBeGreaterThan(1000);
    });

    it('folds to the same sessions and deletions, is never longer, and is idempotent', () => {
      let dropped = 0;
      let total = 0;
      for (const { seed, input } of streams) {
        const out = compactRecords(input);
        expect(out.length, `seed ${seed}`).toBeLessThanOrEqual(input.length);
        expect(comparable(foldRecords(out)), `seed ${seed}`).toEqual(comparable(foldRecords(input)));
        expect(compactRecords(out), `seed ${seed}`).toEqual(out);
        dropped += input.length - out.length;
        total += input.length;
      }
      expect(dropped / total).toBeGreaterThan(0.2); // it really compacts
    });

    it('is safe on one segment of several: fold(A + compact(B) + C) = fold(A + B + C)', () => {
      for (const { seed, input } of streams) {
        const rnd = mulberry32(seed * 7919);
        const i = Math.floor(rnd() * (input.length + 1));
        const j = i + Math.floor(rnd() * (input.length - i + 1));
        const [a, b, c] = [input.slice(0, i), input.slice(i, j), input.slice(j)];
        expect(
          comparable(foldRecords([...a, ...compactRecords(b), ...c])),
          `seed ${seed} cut ${i}..${j}`,
        ).toEqual(comparable(foldRecords(input)));
      }
    });

    it('preserves order and seqs (the output is a subsequence of the input)', () => {
      for (const { seed, input } of streams) {
        const out = compactRecords(input);
        let i = 0;
        for (const record of out) {
          while (i < input.length && input[i] !== record) i++;
          expect(i, `seed ${seed}: output record not found in order`).toBeLessThan(input.length);
          i++;
        }
      }
    });

    it('keeps nothing of deleted sessions but one SESSION_DELETE each', () => {
      for (const { seed, input } of streams) {
        const deleted = foldRecords(input).deleted;
        const out = compactRecords(input);
        for (const id of deleted) {
          const left = out.filter((r) => r.sessionId === id);
          expect(
            left.map((r) => r.type),
            `seed ${seed}`,
          ).toEqual(['session-delete']);
        }
      }
    });
  });
});

describe('sessionToRecords', () => {
  const streams = SEEDS.map((seed) => randomStream(seed));

  /** What a session file gives back: checkpointSeq becomes lastSeq and an orphan gets a start. */
  function expectedFromFile(s: FoldedSession) {
    const { missingStart: _m, ...rest } = content(s);
    return { ...rest, checkpointSeq: s.lastSeq };
  }

  it('folds back to the same session (round trip)', () => {
    let sessions = 0;
    for (const input of streams) {
      for (const s of foldRecords(input).sessions.values()) {
        const records = sessionToRecords(s);
        const back = foldRecords(records);
        expect(back.duplicates).toBe(0);
        expect(back.orphans).toBe(0);
        const { missingStart, ...rest } = content(back.sessions.get(s.id)!);
        expect(missingStart).toBeUndefined();
        expect(rest).toEqual(expectedFromFile(s));
        sessions++;
      }
    }
    expect(sessions).toBeGreaterThan(500);
  });

  it('writes start, utterances in index order, stop, then a checkpoint at lastSeq', () => {
    const s = foldRecords([
      { type: 'session-start', sessionId: 'a', seq: 0, at: T0, title: 'T', source: 'demo', lang: 'fr' },
      { type: 'partial', sessionId: 'a', seq: 1, at: T0 + 1500, utterance: 1, startMs: 1000, text: 'deux' },
      {
        type: 'final',
        sessionId: 'a',
        seq: 2,
        at: T0 + 1600,
        utterance: 0,
        startMs: 0,
        endMs: 900,
        text: 'Un.',
        confidence: 0.5,
      },
      {
        type: 'partial',
        sessionId: 'a',
        seq: 3,
        at: T0 + 1700,
        utterance: 1,
        startMs: 1000,
        text: 'deux trois',
      },
      { type: 'session-stop', sessionId: 'a', seq: 9, at: T0 + 2000, reason: 'user' },
    ]).sessions.get('a')!;
    const records = sessionToRecords(s);
    expect(records.map((r) => [r.type, r.seq])).toEqual([
      ['session-start', 0],
      ['final', 1],
      ['partial', 2],
      ['session-stop', 3],
      ['checkpoint', 9],
    ]);
    expect(records[4]).toMatchObject({ upToSeq: 9, at: T0 + 2000, finals: 1 });
    expect(records[2]).toMatchObject({ text: 'deux trois', at: T0 + 1700 });
  });

  it('a session rebuilt from its file continues with the WAL records after it', () => {
    // Checkpoint at a random point of each stream: the sessions folded so far go to session files,
    // the rest of the WAL is folded on top of them. Tombstones of sessions deleted before the cut
    // stay in the WAL (compaction keeps them), so they come along.
    for (const [n, input] of streams.entries()) {
      const cut = Math.floor(mulberry32(n + 1000)() * (input.length + 1));
      const prefix = foldRecords(input.slice(0, cut));
      const base = [...prefix.sessions.values()].map((s) =>
        foldRecords(sessionToRecords(s)).sessions.get(s.id)!,
      );
      const tombstones = [...prefix.deleted].map(
        (id) => ({ type: 'session-delete', sessionId: id, seq: 0, at: T0 }) as WalRecord,
      );
      const continued = foldRecords([...tombstones, ...input.slice(cut)], base);
      const direct = foldRecords(input);
      const strip = (r: FoldResult) =>
        comparable(r).sessions.map(({ checkpointSeq: _c, missingStart: _m, ...rest }) => rest);
      expect(strip(continued), `stream ${n}, cut ${cut}`).toEqual(strip(direct));
      expect([...continued.deleted].sort()).toEqual([...direct.deleted].sort());
    }
  });

  it('survives the binary codec: a session file written and read back folds to the same session', () => {
    for (const input of streams.slice(0, 100)) {
      for (const s of foldRecords(input).sessions.values()) {
        const read = readSegment(encodeFrames(sessionToRecords(s)));
        expect(read.skipped).toEqual([]);
        const back = foldRecords(read.records.map((f) => f.record)).sessions.get(s.id)!;
        const { missingStart: _m, ...rest } = content(back);
        expect(rest).toEqual(expectedFromFile(s));
      }
    }
  });

  it('refuses a session whose lastSeq cannot number its records', () => {
    const s = foldRecords([
      { type: 'session-start', sessionId: 'a', seq: 0, at: T0, title: '', source: '', lang: '' },
      {
        type: 'final',
        sessionId: 'a',
        seq: 1,
        at: T0,
        utterance: 0,
        startMs: 0,
        endMs: 1,
        text: 'x',
        confidence: 1,
      },
    ]).sessions.get('a')!;
    expect(() => sessionToRecords({ ...s, lastSeq: 0 })).toThrow(RangeError);
  });
});
