import { describe, expect, it } from 'vitest';
import { readSegment } from '../src/core/framing.ts';
import { Origin, SessionScript, includesBytes } from './store-harness.ts';

const MARKER = 'zebra-marker-7f3a91';

describe('VaultEngine: privacy deletion', () => {
  it('removes every byte of a deleted session from every file, keeps the others, audits counts only', async () => {
    const origin = new Origin();
    const { engine } = await origin.engine('w1', { rotation: { maxBytes: 600 } });
    const keep = new SessionScript('keep', () => origin.time);
    const gone = new SessionScript('gone', () => origin.time);
    await engine.appendBatch([keep.start(), gone.start()]);
    for (let u = 0; u < 8; u++) {
      await engine.appendBatch(gone.utterance(u, ['secret', MARKER, `number${u}`]));
      await engine.appendBatch(keep.utterance(u, ['public', 'words', `number${u}`]));
    }
    engine.pageHide(); // the ring file holds open partials and recent finals now
    await engine.appendBatch([gone.partial(8, `half ${MARKER}`)]);
    await engine.appendBatch([gone.stop()]);
    expect(origin.filesContaining(MARKER).length).toBeGreaterThan(0);
    const removedBefore = origin.files.removedContents.length;

    await engine.deleteSession('gone');

    expect(origin.filesContaining(MARKER)).toEqual([]);
    const needle = new TextEncoder().encode(MARKER);
    const removedDuring = origin.files.removedContents.slice(removedBefore);
    expect(removedDuring.some((b) => includesBytes(b, needle))).toBe(false);
    expect(await origin.meta.getSession('gone')).toBeUndefined();
    const entry = origin.meta.audit.find((e) => e.action === 'deleted')!;
    expect(entry).toMatchObject({ sessionId: 'gone', outcome: 'ok' });
    expect(JSON.stringify(entry)).not.toContain('secret');
    expect(Object.values(entry.counts).every((v) => typeof v === 'number')).toBe(true);
    // The other session is intact and recording goes on in the rewritten segment.
    const r = await engine.appendBatch([keep.final(8, 'after the deletion')]);
    expect(r.error).toBeNull();
    const t = await engine.readSession('keep');
    expect(t.utterances.map((u) => u.text).at(-1)).toBe('after the deletion');
    expect(t.utterances).toHaveLength(9);
    await expect(engine.readSession('gone')).rejects.toMatchObject({ code: 'unknown-session' });
    // After a crash the deleted session does not come back, the kept one does.
    origin.crash('w1');
    const { engine: next } = await origin.engine('w2');
    const page = await next.listSessions({ offset: 0, limit: 10 });
    expect(page.sessions.map((s) => s.id)).toEqual(['keep']);
    expect((await next.readSession('keep')).utterances).toHaveLength(9);
    expect(origin.filesContaining(MARKER)).toEqual([]);
  });

  it('asks the tab recording a session to stop and purge it before deleting it', async () => {
    const origin = new Origin();
    const { engine: a, events: aEvents } = await origin.engine('tabA');
    const { engine: b } = await origin.engine('tabB');
    const s = new SessionScript('rec', () => origin.time);
    await a.appendBatch([s.start(), ...s.utterance(0, ['live', MARKER, 'text'])]);
    await a.appendBatch([s.partial(1, `open ${MARKER}`)]);
    expect(origin.filesContaining(MARKER)).toEqual(['wal/tabA/00000001.wal']);

    await b.deleteSession('rec');

    expect(origin.filesContaining(MARKER)).toEqual([]);
    expect(aEvents).toContainEqual({ type: 'session-stopped-elsewhere', sessionId: 'rec' });
    const late = await a.appendBatch([s.final(1, `late ${MARKER}`)]);
    expect(late.error?.code).toBe('unknown-session');
    expect(origin.filesContaining(MARKER)).toEqual([]);
    expect((await a.listSessions({ offset: 0, limit: 5 })).total).toBe(0);
  });

  it('fails with a clear error and deletes nothing when the other tab does not answer', async () => {
    const origin = new Origin();
    const { engine: a } = await origin.engine('tabA');
    const s = new SessionScript('rec', () => origin.time);
    await a.appendBatch([s.start(), s.final(0, MARKER)]);
    // A second "tab" whose peer bus is disconnected: its requests reach no one.
    origin.locks.held.add('ghost');
    await origin.files.open('wal/ghost/00000001.wal');
    const timers = {
      setTimeout: (fn: () => void) => setTimeout(fn, 20),
      clearTimeout: (h: unknown) => clearTimeout(h as number),
    };
    const { VaultEngine } = await import('../src/store/engine.ts');
    const b = new VaultEngine(
      {
        files: origin.files,
        meta: origin.meta,
        locks: origin.locks,
        peers: origin.channel.connect(),
        clock: { now: () => origin.time },
        timers,
      },
      { peerTimeoutMs: 20 },
    );
    await b.init({ writerId: 'tabB', persisted: null });
    await expect(b.deleteSession('rec')).rejects.toMatchObject({
      code: 'file-locked',
      message: expect.stringMatching(/did not confirm/),
    });
    expect(await origin.meta.getSession('rec')).toBeDefined();
    await b.close();
  });

  it('retention deletes sessions older than N days through the same path and audits retention-deleted', async () => {
    const origin = new Origin();
    const { engine } = await origin.engine('w1');
    const old = new SessionScript('old', () => origin.time);
    await engine.appendBatch([old.start(), old.final(0, MARKER), old.stop()]);
    origin.advance(10 * 86_400_000);
    const fresh = new SessionScript('fresh', () => origin.time);
    await engine.appendBatch([fresh.start(), fresh.final(0, 'recent'), fresh.stop()]);
    origin.advance(86_400_000);
    await engine.setRetentionDays(5);
    expect((await engine.listSessions({ offset: 0, limit: 10 })).sessions.map((s) => s.id)).toEqual([
      'fresh',
    ]);
    expect(origin.filesContaining(MARKER)).toEqual([]);
    expect(origin.meta.audit.filter((e) => e.action === 'retention-deleted').map((e) => e.sessionId)).toEqual(
      ['old'],
    );
    expect((await engine.storageStats()).retentionDays).toBe(5);
  });
});

describe('VaultEngine: quota and failures', () => {
  it('turns QuotaExceededError into a typed error, loses nothing stored, and resumes when space returns', async () => {
    const origin = new Origin();
    const { engine, events } = await origin.engine('w1');
    const s = new SessionScript('q', () => origin.time);
    await engine.appendBatch([s.start(), ...s.utterance(0, ['before', 'the', 'disk', 'filled'])]);
    origin.files.quotaBytes = origin.files.totalBytes() + 10;
    const batch = [...s.utterance(1, ['these', 'must', 'wait']), s.stop()];
    const failed = await engine.appendBatch(batch);
    expect(failed.acks).toHaveLength(0);
    expect(failed.error?.code).toBe('quota-exceeded');
    expect(failed.error?.message).toMatch(/Storage is full/);
    expect(events.some((e) => e.type === 'error' && e.error.code === 'quota-exceeded')).toBe(true);
    // Nothing torn: the segment still reads cleanly.
    const seg = origin.files.files.get('wal/w1/00000001.wal')!;
    expect(readSegment(seg.bytes()).skipped).toEqual([]);
    expect((await engine.readSession('q')).utterances.map((u) => u.text)).toEqual(['before the disk filled']);
    origin.files.quotaBytes = null;
    const resumed = await engine.appendBatch(batch);
    expect(resumed.error).toBeNull();
    expect(resumed.acks.map((a) => a.duplicate)).toEqual([false, false, false, false]);
    const t = await engine.readSession('q');
    expect(t.utterances.map((u) => u.text)).toEqual(['before the disk filled', 'these must wait']);
    expect(t.meta.status).toBe('stopped');
  });

  it('reports a file held by another context as file-locked at start-up', async () => {
    const origin = new Origin();
    await origin.files.open('wal/busy/00000001.wal');
    const { VaultEngine } = await import('../src/store/engine.ts');
    const e = new VaultEngine({
      files: origin.files,
      meta: origin.meta,
      locks: origin.locks,
      peers: null,
      clock: { now: () => origin.time },
    });
    await expect(e.init({ writerId: 'busy', persisted: null })).rejects.toMatchObject({
      code: 'file-locked',
    });
  });
});
