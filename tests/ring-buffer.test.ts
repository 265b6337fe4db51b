import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { RingEntry, RingOverflow } from '../src/core/ring-buffer.ts';
import {
  RING_ENTRY_OVERHEAD_BYTES,
  RingBuffer,
  ringEntryBytes,
  utf8Length,
} from '../src/core/ring-buffer.ts';

const T0 = 1_700_000_000_000;
const seqs = new Map<string, number>();

/** An entry with the next seq of its session (like a writer produces them). */
function entry(sessionId: string, utterance: number, kind: 'partial' | 'final', text: string): RingEntry {
  const seq = (seqs.get(sessionId) ?? 0) + 1;
  seqs.set(sessionId, seq);
  return {
    sessionId,
    utterance,
    kind,
    seq,
    at: T0 + seq,
    startMs: utterance * 1000,
    endMs: kind === 'final' ? utterance * 1000 + 900 : 0,
    text,
    confidence: kind === 'final' ? 0.8 : null,
  };
}

function ringWithLog(capacity: number, maxBytes?: number) {
  const overflows: RingOverflow[] = [];
  const ring = new RingBuffer({ capacity, maxBytes, onOverflow: (o) => overflows.push(o) });
  return { ring, overflows };
}

const texts = (es: RingEntry[]) => es.map((e) => e.text);

describe('RingBuffer', () => {
  it('rejects nonsensical options', () => {
    expect(() => new RingBuffer({ capacity: 0 })).toThrow(RangeError);
    expect(() => new RingBuffer({ capacity: 1.5 })).toThrow(RangeError);
    expect(() => new RingBuffer({ capacity: 4, maxBytes: 0 })).toThrow(RangeError);
  });

  it('holds at most `capacity` entries, oldest first, evicting from the head', () => {
    const ring = new RingBuffer({ capacity: 3 });
    expect(ring.capacity).toBe(3);
    for (let i = 0; i < 5; i++) ring.append(entry('cap', i, 'final', `f${i}`));
    expect(ring.size).toBe(3);
    expect(texts(ring.entries())).toEqual(['f2', 'f3', 'f4']);
    expect(ring.metrics).toMatchObject({ appended: 5, evicted: 2 });
  });

  it('looks up the latest partial of an utterance and the open utterances', () => {
    const ring = new RingBuffer({ capacity: 100 });
    ring.append(entry('a', 0, 'partial', 'he'));
    ring.append(entry('a', 1, 'partial', 'wo'));
    ring.append(entry('a', 0, 'partial', 'hello'));
    ring.append(entry('b', 0, 'partial', 'other session'));
    expect(ring.latestPartial('a', 0)?.text).toBe('hello');
    expect(ring.latestPartial('a', 1)?.text).toBe('wo');
    expect(ring.latestPartial('a', 2)).toBeUndefined();
    expect(ring.latestPartial('nobody', 0)).toBeUndefined();
    expect(texts(ring.openUtterances('a'))).toEqual(['hello', 'wo']);
    ring.append(entry('a', 0, 'final', 'Hello.'));
    expect(ring.latestPartial('a', 0)).toBeUndefined(); // finalised: no longer open
    expect(texts(ring.openUtterances('a'))).toEqual(['wo']);
    expect(texts(ring.openUtterances('b'))).toEqual(['other session']);
  });

  it('ignores an out-of-order older partial or final for the lookups', () => {
    const ring = new RingBuffer({ capacity: 10 });
    const newer = entry('o', 0, 'partial', 'newer');
    ring.append({ ...newer, seq: 10 });
    ring.append({ ...entry('o', 0, 'partial', 'older'), seq: 5 });
    expect(ring.latestPartial('o', 0)?.text).toBe('newer');
    ring.append({ ...entry('o', 1, 'final', 'F new'), seq: 20 });
    ring.append({ ...entry('o', 1, 'final', 'F old'), seq: 15 });
    ring.append({ ...entry('o', 1, 'partial', 'stale partial'), seq: 25 });
    expect(texts(ring.recentFinals('o'))).toEqual(['F new']);
    expect(ring.latestPartial('o', 1)).toBeUndefined();
  });

  it('returns recent finals in utterance order, the last `limit`, corrections replacing', () => {
    const ring = new RingBuffer({ capacity: 100 });
    ring.append(entry('a', 1, 'final', 'one'));
    ring.append(entry('a', 0, 'final', 'zero'));
    ring.append(entry('a', 2, 'final', 'two'));
    ring.append(entry('a', 1, 'final', 'one (corrected)'));
    expect(texts(ring.recentFinals('a'))).toEqual(['zero', 'one (corrected)', 'two']);
    expect(texts(ring.recentFinals('a', 2))).toEqual(['one (corrected)', 'two']);
    expect(ring.recentFinals('a', 0)).toEqual([]);
    expect(ring.recentFinals('nobody')).toEqual([]);
  });

  describe('eviction and overflow', () => {
    it('evicts superseded partials silently but counts them', () => {
      const { ring, overflows } = ringWithLog(3);
      for (let i = 0; i < 10; i++) ring.append(entry('s', 0, 'partial', `v${i}`));
      expect(ring.metrics).toEqual({ appended: 10, evicted: 7, overflows: 0 });
      expect(overflows).toEqual([]);
      expect(ring.latestPartial('s', 0)?.text).toBe('v9');
    });

    it('partials superseded by their final are not live either', () => {
      const { ring, overflows } = ringWithLog(3);
      ring.append(entry('s2', 0, 'partial', 'a'));
      ring.append(entry('s2', 0, 'partial', 'ab'));
      ring.append(entry('s2', 0, 'final', 'Ab.'));
      ring.release('s2'); // the final is durable in the session file
      ring.append(entry('s2', 1, 'partial', 'x'));
      ring.append(entry('s2', 1, 'partial', 'xy'));
      ring.append(entry('s2', 1, 'partial', 'xyz'));
      expect(ring.metrics.evicted).toBe(3);
      expect(overflows).toEqual([]);
    });

    it('reports the eviction of the latest partial of an open utterance', () => {
      const { ring, overflows } = ringWithLog(2);
      const open = entry('o', 0, 'partial', 'still talking');
      ring.append(open);
      ring.append(entry('o', 1, 'partial', 'x'));
      expect(overflows).toEqual([]);
      ring.append(entry('o', 2, 'partial', 'y'));
      expect(overflows).toEqual([{ evicted: open, reason: 'capacity' }]);
      expect(ring.metrics).toEqual({ appended: 3, evicted: 1, overflows: 1 });
      expect(ring.latestPartial('o', 0)).toBeUndefined(); // the lookup never points outside the ring
    });

    it('reports the eviction of a final that was not released, not of one that was', () => {
      const { ring, overflows } = ringWithLog(2);
      const f0 = entry('f', 0, 'final', 'zero');
      const f1 = entry('f', 1, 'final', 'one');
      ring.append(f0);
      ring.append(f1);
      ring.release('f', f0.seq); // only f0 is in the session file
      ring.append(entry('f', 2, 'final', 'two'));
      expect(overflows).toEqual([]);
      ring.append(entry('f', 3, 'final', 'three'));
      expect(overflows).toEqual([{ evicted: f1, reason: 'capacity' }]);
      expect(ring.metrics.overflows).toBe(1);
      expect(texts(ring.recentFinals('f'))).toEqual(['two', 'three']);
    });

    it('a corrected final is superseded', () => {
      const { ring, overflows } = ringWithLog(2);
      ring.append(entry('c', 0, 'final', 'Their.'));
      ring.append(entry('c', 0, 'final', 'There.'));
      ring.release('c');
      ring.append(entry('c', 1, 'partial', 'x'));
      expect(ring.metrics.evicted).toBe(1);
      expect(overflows).toEqual([]);
    });

    it('a listener that throws does not lose the appended entry', () => {
      const ring = new RingBuffer({
        capacity: 1,
        onOverflow: () => {
          throw new Error('listener failed');
        },
      });
      ring.append(entry('t', 0, 'partial', 'first'));
      expect(() => ring.append(entry('t', 1, 'partial', 'second'))).toThrow('listener failed');
      expect(texts(ring.entries())).toEqual(['second']);
      expect(ring.latestPartial('t', 1)?.text).toBe('second');
      expect(ring.metrics.overflows).toBe(1);
    });
  });

  describe('byte bound', () => {
    it('counts UTF-8 bytes of text and session id plus a fixed overhead', () => {
      const e = entry('ab', 0, 'partial', 'né 🎤');
      expect(ringEntryBytes(e)).toBe(RING_ENTRY_OVERHEAD_BYTES + 2 + Buffer.byteLength('né 🎤'));
    });

    it('utf8Length agrees with TextEncoder, lone surrogates included', () => {
      const samples = [
        '',
        'ascii',
        'é',
        '€',
        '日本語',
        '🎤🎧',
        'a\ud800b',
        '\udc00',
        'x\ud83c',
        '\ud83c\udfa4',
      ];
      for (const s of samples)
        expect(utf8Length(s), JSON.stringify(s)).toBe(new TextEncoder().encode(s).length);
    });

    it('evicts from the head until the entries fit, reporting live evictions as bytes overflows', () => {
      const one = ringEntryBytes(entry('b', 0, 'partial', 'x'.repeat(100)));
      const { ring, overflows } = ringWithLog(1000, one * 3);
      const first = entry('b', 0, 'partial', 'x'.repeat(100));
      ring.append(first);
      ring.append(entry('b', 1, 'partial', 'y'.repeat(100)));
      ring.append(entry('b', 2, 'partial', 'z'.repeat(100)));
      expect(ring.bytes).toBe(one * 3);
      expect(overflows).toEqual([]);
      ring.append(entry('b', 3, 'partial', 'w'.repeat(100)));
      expect(ring.size).toBe(3);
      expect(ring.bytes).toBe(one * 3);
      expect(overflows).toEqual([{ evicted: first, reason: 'bytes' }]);
    });

    it('a large entry evicts several, and an entry larger than the bound is still kept alone', () => {
      const { ring } = ringWithLog(1000, 1000);
      for (let i = 0; i < 5; i++) ring.append(entry('L', 0, 'partial', `${i}`.repeat(50)));
      expect(ring.size).toBe(5);
      ring.append(entry('L', 0, 'partial', 'big'.repeat(400)));
      expect(ring.size).toBe(1);
      expect(ring.bytes).toBeGreaterThan(1000);
      expect(ring.latestPartial('L', 0)?.text).toBe('big'.repeat(400));
      ring.append(entry('L', 0, 'partial', 'small'));
      expect(texts(ring.entries())).toEqual(['small']);
    });

    it('keeps `bytes` equal to the sum over the entries through appends, evictions and clears', () => {
      const ring = new RingBuffer({ capacity: 50, maxBytes: 4000 });
      for (let i = 0; i < 500; i++) {
        const session = `s${i % 3}`;
        ring.append(entry(session, i % 7, i % 4 === 0 ? 'final' : 'partial', 'é'.repeat(i % 90)));
        if (i % 97 === 0) ring.clearSession(session);
        const sum = ring.entries().reduce((n, e) => n + ringEntryBytes(e), 0);
        expect(ring.bytes).toBe(sum);
        expect(ring.bytes <= 4000 || ring.size === 1).toBe(true);
      }
    });
  });

  describe('clearSession', () => {
    it('removes every entry of the session and its lookups, keeping the others in order', () => {
      const ring = new RingBuffer({ capacity: 5 });
      // Fill past capacity so the head has wrapped around.
      for (let i = 0; i < 3; i++) ring.append(entry('keep', i, 'final', `k${i}`));
      ring.append(entry('gone', 0, 'final', 'secret final'));
      ring.append(entry('keep', 3, 'partial', 'k3'));
      ring.append(entry('gone', 1, 'partial', 'secret partial'));
      ring.append(entry('keep', 4, 'final', 'k4'));
      expect(texts(ring.entries())).toEqual(['k2', 'secret final', 'k3', 'secret partial', 'k4']);
      const bytesBefore = ring.bytes;

      expect(ring.clearSession('gone')).toBe(2);
      expect(texts(ring.entries())).toEqual(['k2', 'k3', 'k4']);
      expect(ring.size).toBe(3);
      expect(ring.bytes).toBe(bytesBefore - 2 * RING_ENTRY_OVERHEAD_BYTES - 8 - 12 - 14);
      expect(ring.latestPartial('gone', 1)).toBeUndefined();
      expect(ring.openUtterances('gone')).toEqual([]);
      expect(ring.recentFinals('gone')).toEqual([]);
      expect(ring.latestPartial('keep', 3)?.text).toBe('k3');
      // The text is no longer reachable from the ring (slots, maps, anything).
      const dump = inspect(ring, { depth: Number.POSITIVE_INFINITY, maxArrayLength: null, showHidden: true });
      expect(dump).not.toContain('secret');
      expect(dump).toContain('k3');
      expect(ring.clearSession('gone')).toBe(0);
    });

    it('leaves a ring that keeps working: appends, evictions and lookups after a clear', () => {
      const { ring, overflows } = ringWithLog(4);
      ring.append(entry('x', 0, 'partial', 'x0'));
      ring.append(entry('y', 0, 'partial', 'y0'));
      ring.append(entry('x', 1, 'partial', 'x1'));
      ring.append(entry('y', 1, 'partial', 'y1'));
      ring.append(entry('x', 2, 'partial', 'x2')); // evicts x0 (an open utterance: overflow)
      expect(overflows.map((o) => o.evicted.text)).toEqual(['x0']);
      expect(ring.clearSession('y')).toBe(2);
      for (let i = 0; i < 3; i++) ring.append(entry('z', i, 'partial', `z${i}`));
      expect(texts(ring.entries())).toEqual(['x2', 'z0', 'z1', 'z2']);
      expect(overflows.map((o) => o.evicted.text)).toEqual(['x0', 'x1']);
      expect(ring.latestPartial('z', 2)?.text).toBe('z2');
      expect(ring.latestPartial('x', 1)).toBeUndefined();
    });
  });

  it('append is O(1): time grows linearly with the number of appends, far from quadratically', () => {
    // A large ring (shifting or re-scanning it per append would be O(capacity)) and many sessions
    // and utterances (map work per append must stay constant).
    const capacity = 100_000;
    const run = (n: number) => {
      const ring = new RingBuffer({ capacity, maxBytes: 8 * 1024 * 1024 });
      const t = performance.now();
      for (let i = 0; i < n; i++) {
        const session = `session-${i % 8}`;
        const utterance = Math.floor(i / 40);
        ring.append({
          sessionId: session,
          utterance,
          kind: i % 40 === 39 ? 'final' : 'partial',
          seq: i,
          at: i,
          startMs: utterance * 1000,
          endMs: 0,
          text: 'word word word',
          confidence: null,
        });
      }
      return { ms: performance.now() - t, ring };
    };
    run(100_000); // warm up the JIT
    const small = Math.min(run(100_000).ms, run(100_000).ms);
    const { ms: large, ring } = run(1_000_000);
    expect(ring.size).toBeLessThanOrEqual(capacity);
    expect(ring.metrics.appended).toBe(1_000_000);
    expect(ring.metrics.evicted).toBe(1_000_000 - ring.size);
    // 10× the work: linear is ~10×; O(capacity) per append would be ~1000×. A loose bound keeps this stable.
    expect(large).toBeLessThan(small * 60 + 50);
  });
});
