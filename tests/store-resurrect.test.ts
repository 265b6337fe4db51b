import { describe, expect, it, vi } from 'vitest';
import { SegmentLog } from '../src/store/segment-log.ts';
import { Origin, SessionScript } from './store-harness.ts';

/**
 * A session id that was deleted and then written again (imported back, in this tab or another one)
 * must survive the recovery of the deleting writer's WAL, which still held the SESSION_DELETE.
 */
describe('VaultEngine: a deleted id written again survives recovery', () => {
  async function recordExportDelete(origin: Origin, writerId: string) {
    const { engine } = await origin.engine(writerId);
    const s = new SessionScript('again', () => origin.time);
    // Another session keeps the writer's open segment non-empty around the deletion.
    const o = new SessionScript('other', () => origin.time);
    await engine.appendBatch([o.start('Other'), o.final(0, 'still recording')]);
    await engine.appendBatch([s.start('Round trip'), s.final(0, 'words that come back'), s.stop()]);
    const exported = await engine.exportSessions(['again']);
    await engine.deleteSession('again');
    return { engine, exported };
  }

  it('import in the same tab, then that tab dies: the imported session is still there after recovery', async () => {
    const origin = new Origin();
    const { engine, exported } = await recordExportDelete(origin, 'tabA');
    expect(await engine.importSessions(exported)).toEqual({ imported: 1, skipped: 0 });
    origin.crash('tabA');
    const { engine: next } = await origin.engine('tabB');
    const t = await next.readSession('again');
    expect(t.meta.status).toBe('imported');
    expect(t.utterances.map((u) => u.text)).toEqual(['words that come back']);
    expect((await next.listSessions({ offset: 0, limit: 10 })).sessions.map((m) => m.id)).toContain('again');
  });

  it('import in another tab, then the deleting tab dies: the imported session survives', async () => {
    const origin = new Origin();
    const { exported } = await recordExportDelete(origin, 'tabA');
    const { engine: b } = await origin.engine('tabB');
    expect(await b.importSessions(exported)).toEqual({ imported: 1, skipped: 0 });
    origin.crash('tabA');
    const { engine: c } = await origin.engine('tabC');
    expect((await c.readSession('again')).utterances.map((u) => u.text)).toEqual(['words that come back']);
  });

  it('a deletion interrupted by a crash is still finished by recovery', async () => {
    const origin = new Origin();
    const { engine } = await origin.engine('tabA');
    const s = new SessionScript('gone', () => origin.time);
    await engine.appendBatch([s.start('Gone'), s.final(0, 'secret words')]);
    // Die right after the tombstone is written and flushed, before the purge finishes.
    origin.files.ioBudget = 3;
    await engine.deleteSession('gone').catch(() => undefined);
    origin.files.ioBudget = null;
    origin.crash('tabA');
    const { engine: next } = await origin.engine('tabB');
    await expect(next.readSession('gone')).rejects.toMatchObject({ code: 'unknown-session' });
    expect(origin.filesContaining('secret words')).toEqual([]);
  });

  it('a tombstone a full disk kept in place is retired before its id is imported again', async () => {
    const origin = new Origin();
    const retire = vi.spyOn(SegmentLog.prototype, 'retireTombstone');
    retire.mockRejectedValueOnce(Object.assign(new Error('full'), { name: 'QuotaExceededError' }));
    const { engine, exported } = await recordExportDelete(origin, 'tabA');
    retire.mockRestore();
    expect(await engine.importSessions(exported)).toEqual({ imported: 1, skipped: 0 });
    origin.crash('tabA');
    const { engine: next } = await origin.engine('tabB');
    expect((await next.readSession('again')).utterances.map((u) => u.text)).toEqual(['words that come back']);
  });
});
