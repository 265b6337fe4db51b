import { describe, expect, it } from 'vitest';
import { readSegment } from '../src/core/framing.ts';
import { Origin, SessionScript } from './store-harness.ts';

describe('VaultEngine: append, ack, dedupe, flush', () => {
  it('acknowledges each record once, writes it once, and acks a retried seq as duplicate', async () => {
    const origin = new Origin();
    const { engine } = await origin.engine('w1');
    const s = new SessionScript('s1', () => origin.time);
    const records = [s.start(), ...s.utterance(0, ['hello', 'big', 'world'])];
    const first = await engine.appendBatch(records);
    expect(first.error).toBeNull();
    expect(first.acks.map((a) => [a.seq, a.duplicate])).toEqual([
      [0, false],
      [1, false],
      [2, false],
      [3, false],
    ]);
    const segment = origin.files.files.get('wal/w1/00000001.wal')!;
    const sizeBefore = segment.size();
    const retry = await engine.appendBatch(records.slice(1));
    expect(retry.acks.every((a) => a.duplicate)).toBe(true);
    expect(segment.size()).toBe(sizeBefore);
    const onDisk = readSegment(segment.bytes()).records.map((r) => r.record.seq);
    expect(onDisk).toEqual([0, 1, 2, 3]);
    const t = await engine.readSession('s1');
    expect(t.utterances.map((u) => u.text)).toEqual(['hello big world']);
    expect(t.meta.status).toBe('recording');
  });

  it('refuses records of a session it is not recording with a typed error', async () => {
    const origin = new Origin();
    const { engine } = await origin.engine('w1');
    const s = new SessionScript('nope', () => origin.time);
    s.start();
    const result = await engine.appendBatch([s.partial(0, 'x')]);
    expect(result.error?.code).toBe('unknown-session');
  });

  it('flushes on a final, every N partials, on the 250 ms timer, on stop and on pagehide', async () => {
    const origin = new Origin();
    const { engine, events } = await origin.engine('w1', { flush: { everyPartials: 3 } });
    const seg = origin.files.files.get('wal/w1/00000001.wal')!;
    const s = new SessionScript('s1', () => origin.time);
    await engine.appendBatch([s.start()]); // control record: flushed at once
    const afterStart = seg.flushCount;
    await engine.appendBatch([s.partial(0, 'a'), s.partial(0, 'a b')]);
    expect(seg.flushCount).toBe(afterStart);
    await engine.appendBatch([s.partial(0, 'a b c')]); // 3rd partial
    expect(seg.flushCount).toBe(afterStart + 1);
    await engine.appendBatch([s.partial(0, 'a b c d')]);
    origin.advance(100);
    engine.tick();
    expect(seg.flushCount).toBe(afterStart + 1);
    origin.advance(200);
    engine.tick();
    expect(seg.flushCount).toBe(afterStart + 2);
    await engine.appendBatch([s.final(0, 'a b c d e')]);
    expect(seg.flushCount).toBe(afterStart + 3);
    await engine.appendBatch([s.partial(1, 'f')]);
    engine.pageHide();
    expect(seg.flushCount).toBe(afterStart + 4);
    const reasons = events.filter((e) => e.type === 'flushed').map((e) => (e as { reason: string }).reason);
    expect(reasons).toEqual(expect.arrayContaining(['control', 'partials', 'interval', 'final', 'pagehide']));
    await engine.appendBatch([s.stop()]);
    expect(reasons.length).toBeGreaterThan(0);
    const stats = await engine.storageStats();
    expect(stats.flushLatencyMs.count).toBeGreaterThanOrEqual(5);
    expect(stats.lastFlushAt).toBe(origin.time);
    expect(stats.records.partials).toBe(5);
  });
});

describe('VaultEngine: rotation, checkpoints and segment deletion', () => {
  it('rotates at the size limit, checkpoints active sessions and deletes covered segments', async () => {
    const origin = new Origin();
    const { engine, events } = await origin.engine('w1', { rotation: { maxBytes: 2000 } });
    const s = new SessionScript('long', () => origin.time);
    const expected: string[] = [];
    await engine.appendBatch([s.start('Long one')]);
    for (let u = 0; u < 60; u++) {
      const words = `utterance ${u} has some words in it`.split(' ');
      expected.push(words.join(' '));
      const r = await engine.appendBatch(s.utterance(u, words));
      expect(r.error).toBeNull();
      origin.advance(1000);
    }
    expect(events.some((e) => e.type === 'rotated')).toBe(true);
    // Closed segments whose records are checkpointed are gone: only a few files remain.
    const walFiles = [...origin.files.files.keys()].filter((p) => p.startsWith('wal/w1/'));
    expect(walFiles.length).toBeLessThanOrEqual(2);
    expect([...origin.files.files.keys()].some((p) => p.startsWith('sessions/long/'))).toBe(true);
    await engine.appendBatch([s.stop()]);
    const t = await engine.readSession('long');
    expect(t.utterances.map((u) => u.text)).toEqual(expected);
    expect(t.meta.status).toBe('stopped');
    expect(t.meta.finals).toBe(60);
  });

  it('rotates an old segment by age before the next append', async () => {
    const origin = new Origin();
    const { engine, events } = await origin.engine('w1', { rotation: { maxAgeMs: 60_000 } });
    const s = new SessionScript('s1', () => origin.time);
    await engine.appendBatch([s.start(), s.final(0, 'one')]);
    origin.advance(61_000);
    await engine.appendBatch([s.final(1, 'two')]);
    const rotated = events.filter((e) => e.type === 'rotated');
    expect(rotated).toHaveLength(1);
    expect(rotated[0]).toMatchObject({ reason: 'age', segment: 'wal/w1/00000001.wal' });
    // Segment 1 is covered by the rotation checkpoint and deleted.
    expect(origin.files.files.has('wal/w1/00000001.wal')).toBe(false);
    expect(origin.files.files.has('wal/w1/00000002.wal')).toBe(true);
  });

  it('writes the session file at stop and deletes segments once every session in them is checkpointed', async () => {
    const origin = new Origin();
    const { engine } = await origin.engine('w1', { rotation: { maxBytes: 400 } });
    const a = new SessionScript('a', () => origin.time);
    await engine.appendBatch([a.start(), ...a.utterance(0, ['first', 'words', 'here', 'now'])]);
    await engine.appendBatch([...a.utterance(1, ['more', 'words', 'after', 'that']), a.stop()]);
    const sessionFiles = [...origin.files.files.keys()].filter((p) => p.startsWith('sessions/'));
    expect(sessionFiles).toHaveLength(1); // older generations removed
    expect(sessionFiles[0]).toMatch(/^sessions\/a\/\d{8}\.wal$/);
    const closed = [...origin.files.files.keys()].filter((p) => p.startsWith('wal/w1/'));
    expect(closed).toHaveLength(1); // only the open segment is left
    const row = await origin.meta.getSession('a');
    expect(row).toMatchObject({ status: 'stopped', finals: 2, writerId: null });
    expect(row!.bytes).toBeGreaterThan(0);
    expect(origin.meta.audit.map((e) => e.action)).toEqual(['created', 'stopped']);
    const stats = await engine.storageStats(3);
    expect(stats.bytes.sessions).toBe(origin.files.files.get(sessionFiles[0]!)!.size());
    expect(stats.bytes.wal).toBe(origin.files.files.get(closed[0]!)!.size());
    expect(stats.walSegments).toBe(1);
    expect(stats.pendingRecords).toBe(3);
    expect(stats.bytes.index).toBeGreaterThan(0);
  });
});

describe('VaultEngine: crash recovery of a dead writer', () => {
  async function recordAndCrash(origin: Origin) {
    const { engine } = await origin.engine('dead');
    const s = new SessionScript('s1', () => origin.time);
    const acked: string[] = [];
    await engine.appendBatch([s.start('Crashed one')]);
    for (let u = 0; u < 5; u++) {
      const words = `words of utterance number ${u}`.split(' ');
      const r = await engine.appendBatch(s.utterance(u, words));
      expect(r.error).toBeNull();
      acked.push(words.join(' '));
      origin.advance(500);
    }
    await engine.appendBatch([s.partial(5, 'trailing half')]);
    origin.crash('dead');
    return acked;
  }

  it('rebuilds the session from the WAL of a writer whose lock is free, marks it recovered, removes its files', async () => {
    const origin = new Origin();
    const acked = await recordAndCrash(origin);
    const { engine, events } = await origin.engine('next');
    const report = events.find((e) => e.type === 'recovered');
    expect(report).toBeDefined();
    const t = await engine.readSession('s1');
    expect(t.utterances.map((u) => u.text)).toEqual([...acked, 'trailing half']);
    expect(t.utterances.at(-1)!.uncertain).toBe(true);
    expect(t.meta).toMatchObject({
      status: 'recovered',
      hasUncertain: true,
      finals: 5,
      title: 'Crashed one',
    });
    expect([...origin.files.files.keys()].filter((p) => p.includes('dead'))).toEqual([]);
    expect(origin.meta.audit.some((e) => e.action === 'recovered' && e.sessionId === 's1')).toBe(true);
    // A second start-up finds nothing left to recover.
    const third = await origin.engine('third');
    expect(third.events.some((e) => e.type === 'recovered')).toBe(false);
    expect((await third.engine.readSession('s1')).utterances).toHaveLength(6);
  });

  it('never adopts the folder of a writer that is still alive', async () => {
    const origin = new Origin();
    const { engine: a } = await origin.engine('alive');
    const s = new SessionScript('live', () => origin.time);
    await a.appendBatch([s.start(), s.final(0, 'still recording')]);
    const { engine: b } = await origin.engine('other');
    expect(origin.files.files.has('wal/alive/00000001.wal')).toBe(true);
    const r = await a.appendBatch([s.final(1, 'undisturbed')]);
    expect(r.error).toBeNull();
    const page = await b.listSessions({ offset: 0, limit: 10 });
    expect(page.sessions.map((m) => [m.id, m.status])).toEqual([['live', 'recording']]);
  });

  it('recovers what is intact around a torn tail and a flipped byte, and reports what it skipped', async () => {
    const origin = new Origin();
    const acked = await recordAndCrash(origin);
    const seg = origin.files.files.get('wal/dead/00000001.wal')!;
    const frames = readSegment(seg.bytes()).records;
    // Flip a byte inside the 2nd utterance's final, and cut the last frame (the trailing partial) in half.
    const victim = frames.find((f) => f.record.type === 'final' && f.record.utterance === 1)!;
    const bytes = seg.bytes();
    bytes[victim.offset + victim.length - 3] ^= 0x40;
    const last = frames.at(-1)!;
    const torn = bytes.slice(0, last.offset + Math.floor(last.length / 2));
    origin.files.files.set(
      'wal/dead/00000001.wal',
      new (seg.constructor as new (b: Uint8Array) => typeof seg)(torn),
    );
    await origin.files.remove('ring/dead.ring'); // so only the segment speaks

    const { engine, events } = await origin.engine('next');
    const recovered = events.find((e) => e.type === 'recovered');
    if (recovered?.type !== 'recovered') throw new Error('no recovered event');
    const skipped = recovered.report.skipped;
    expect(skipped.map((s) => s.reason)).toEqual(expect.arrayContaining(['bad-crc']));
    expect(skipped.some((s) => s.offset >= last.offset)).toBe(true);
    const error = events.find((e) => e.type === 'error');
    expect(error).toMatchObject({ type: 'error', error: { code: 'corrupt-wal' } });
    expect((error as { error: { message: string } }).error.message).toMatch(
      /^Skipped \d+ damaged bytes in wal\/dead\/00000001\.wal/,
    );
    const texts = (await engine.readSession('s1')).utterances.map((u) => u.text);
    // Utterance 1 falls back to its last intact partial (uncertain); everything else is intact.
    expect(texts[0]).toBe(acked[0]);
    expect(texts.slice(2, 5)).toEqual(acked.slice(2));
    expect(texts[1]).not.toBe(acked[1]);
    expect(acked[1]!.startsWith(texts[1]!)).toBe(true);
  });
});
