import { describe, expect, it } from 'vitest';
import { readSegment } from '../src/core/framing.ts';
import { Origin, SessionScript } from './store-harness.ts';

describe('VaultEngine: index, search, reconcile, import/export, ring file', () => {
  it('pages sessions newest first and searches titles and transcript text', async () => {
    const origin = new Origin();
    const { engine } = await origin.engine('w1');
    for (let i = 0; i < 25; i++) {
      const s = new SessionScript(`s${String(i).padStart(2, '0')}`, () => origin.time);
      await engine.appendBatch([
        s.start(`Meeting ${i}`),
        s.final(0, i === 7 ? 'the Platypus budget' : `plain text ${i}`),
        s.stop(),
      ]);
      origin.advance(60_000);
    }
    const first = await engine.listSessions({ offset: 0, limit: 10 });
    expect(first.total).toBe(25);
    expect(first.sessions.map((s) => s.id).slice(0, 3)).toEqual(['s24', 's23', 's22']);
    const third = await engine.listSessions({ offset: 20, limit: 10 });
    expect(third.sessions.map((s) => s.id)).toEqual(['s04', 's03', 's02', 's01', 's00']);
    const byText = await engine.listSessions({ offset: 0, limit: 10, search: 'platypus' });
    expect(byText.sessions.map((s) => s.id)).toEqual(['s07']);
    const byTitle = await engine.listSessions({ offset: 0, limit: 10, search: 'meeting 1' });
    expect(byTitle.total).toBe(11); // 1, 10..19
  });

  it('reconciles the index with the session files at start-up and audits it', async () => {
    const origin = new Origin();
    const { engine } = await origin.engine('w1');
    const s = new SessionScript('kept', () => origin.time);
    await engine.appendBatch([s.start('Kept'), s.final(0, 'text'), s.stop()]);
    await engine.close();
    await origin.meta.deleteSession('kept');
    await origin.meta.putSession({
      id: 'ghost',
      title: 'No file',
      source: 'demo',
      lang: 'en',
      status: 'stopped',
      startedAt: 1,
      updatedAt: 1,
      stoppedAt: 1,
      durationMs: 0,
      finals: 0,
      bytes: 0,
      writerId: null,
      hasUncertain: false,
    });
    const { events, engine: next } = await origin.engine('w2');
    // Reconcile runs after init() resolved, so it tells the list to refresh; nothing else happened.
    expect(events).toEqual([{ type: 'sessions-changed' }]);
    const page = await next.listSessions({ offset: 0, limit: 10 });
    expect(page.sessions.map((m) => [m.id, m.status, m.finals])).toEqual([['kept', 'stopped', 1]]);
    const audit = origin.meta.audit.find((e) => e.action === 'reconciled');
    expect(audit?.counts).toEqual({ added: 1, removed: 1 });
  });

  it('exports, imports into another origin exactly, and does not duplicate on a second import', async () => {
    const origin = new Origin();
    const { engine } = await origin.engine('w1');
    const s = new SessionScript('exp', () => origin.time);
    await engine.appendBatch([
      s.start('Export me'),
      ...s.utterance(0, ['one', 'two']),
      s.final(1, 'émoji 🎙️ ok'),
      s.partial(2, 'cut off mid'),
      s.stop(),
    ]);
    const file = await engine.exportSessions('all');
    // The trailing partial stays marked uncertain through export and import (full fidelity).
    expect(file.sessions[0]!.utterances.map((u) => [u.text, u.uncertain ?? false])).toEqual([
      ['one two', false],
      ['émoji 🎙️ ok', false],
      ['cut off mid', true],
    ]);
    const other = new Origin();
    const { engine: target } = await other.engine('w9');
    expect(await target.importSessions(file)).toEqual({ imported: 1, skipped: 0 });
    expect(await target.importSessions(file)).toEqual({ imported: 0, skipped: 1 });
    const t = await target.readSession('exp');
    expect(t.meta).toMatchObject({ status: 'imported', title: 'Export me' });
    expect(t.utterances).toEqual(file.sessions[0]!.utterances);
    expect(other.meta.audit.map((e) => e.action)).toEqual(['imported']);
    expect(origin.meta.audit.map((e) => e.action)).toContain('exported');
  });

  it('keeps the ring file current and uses it in recovery when a segment is lost', async () => {
    const origin = new Origin();
    const { engine } = await origin.engine('dead');
    const s = new SessionScript('r', () => origin.time);
    await engine.appendBatch([s.start(), s.final(0, 'first final'), s.partial(1, 'open partial')]);
    engine.visibilityChanged(true); // hidden: the ring snapshot is written
    const ring = readSegment(origin.files.files.get('ring/dead.ring')!.bytes()).records.map(
      (r) => r.record.type,
    );
    expect(ring).toEqual(['final', 'partial']);
    origin.crash('dead');
    // The segment is lost entirely (e.g. deleted by hand): the ring still has the live state.
    await origin.files.remove('wal/dead/00000001.wal');
    const { engine: next } = await origin.engine('next');
    const t = await next.readSession('r');
    expect(t.utterances.map((u) => [u.text, u.uncertain ?? false])).toEqual([
      ['first final', false],
      ['open partial', true],
    ]);
  });

  it('reports ring overflow and checkpoints the session so nothing depends on the ring alone', async () => {
    const origin = new Origin();
    const { engine, events } = await origin.engine('w1', { ringCapacity: 4 });
    const s = new SessionScript('big', () => origin.time);
    await engine.appendBatch([s.start()]);
    for (let u = 0; u < 6; u++) await engine.appendBatch([s.final(u, `final ${u}`)]);
    expect(events.filter((e) => e.type === 'overflow').length).toBeGreaterThan(0);
    expect((await engine.storageStats()).ringOverflows).toBeGreaterThan(0);
    expect([...origin.files.files.keys()].some((p) => p.startsWith('sessions/big/'))).toBe(true);
    origin.crash('w1');
    const { engine: next } = await origin.engine('w2');
    expect((await next.readSession('big')).utterances.map((u) => u.text)).toEqual(
      [0, 1, 2, 3, 4, 5].map((i) => `final ${i}`),
    );
  });
});
