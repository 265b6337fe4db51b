import { describe, expect, it } from 'vitest';
import type { ExportFile } from '../src/shared/persistence-client.ts';
import { Origin, T0 } from './store-harness.ts';

const SESSIONS = Number(process.env.SCALE_N ?? 3000);
const id = (i: number) => `bulk-${String(i).padStart(5, '0')}`;

function bulkExport(n: number): ExportFile {
  const sessions: ExportFile['sessions'] = [];
  for (let i = 0; i < n; i++) {
    sessions.push({
      id: id(i),
      title: `Meeting ${i}`,
      source: 'demo',
      lang: 'en',
      startedAt: T0 - (n - i) * 60_000,
      stoppedAt: T0 - (n - i) * 60_000 + 30_000,
      utterances: [0, 1, 2].map((u) => ({
        index: u,
        text: `common words ${u}${i === 1234 && u === 2 ? ' and one Wombat' : ''}`,
        startMs: u * 1000,
        endMs: u * 1000 + 900,
        confidence: 0.9,
      })),
    });
  }
  return { format: 'scribe-vault-export', version: 1, exportedAt: T0, sessions };
}

/** Counts reads of session files (what search would otherwise pay per query). */
function countSessionFileReads(origin: Origin): { reads: number } {
  const counter = { reads: 0 };
  const read = origin.files.read.bind(origin.files);
  origin.files.read = (path: string) => {
    if (path.startsWith('sessions/')) counter.reads++;
    return read(path);
  };
  return counter;
}

describe('VaultEngine with thousands of sessions', () => {
  it('imports in batches, pages newest first, searches from the cache, and keeps it current', async () => {
    const origin = new Origin();
    const { engine } = await origin.engine('w1');
    const file = bulkExport(SESSIONS);
    // Duplicate ids inside one file are imported once.
    file.sessions.push(file.sessions[10]!);
    expect(await engine.importSessions(file)).toEqual({ imported: SESSIONS, skipped: 1 });
    expect(origin.meta.audit.filter((e) => e.action === 'imported')).toHaveLength(SESSIONS);

    const first = await engine.listSessions({ offset: 0, limit: 50 });
    expect(first.total).toBe(SESSIONS);
    expect(first.sessions.map((s) => s.id).slice(0, 2)).toEqual([id(SESSIONS - 1), id(SESSIONS - 2)]);
    const last = await engine.listSessions({ offset: SESSIONS - 3, limit: 50 });
    expect(last.sessions.map((s) => s.id)).toEqual([id(2), id(1), id(0)]);

    // A new tab after this one closed: start-up fills the search cache, so a query reads no file.
    await engine.close();
    origin.crash('w1'); // a closed tab's worker is gone, and its lock with it
    const { engine: next } = await origin.engine('w2');
    const reads = countSessionFileReads(origin);
    const wombat = await next.listSessions({ offset: 0, limit: 50, search: 'WOMBAT' });
    expect(wombat).toMatchObject({ total: 1, sessions: [{ id: id(1234), status: 'imported' }] });
    const common = await next.listSessions({ offset: 100, limit: 50, search: 'common words 2' });
    expect(common.total).toBe(SESSIONS);
    expect(common.sessions.map((s) => s.id)).toEqual(
      Array.from({ length: 50 }, (_, k) => id(SESSIONS - 101 - k)),
    );
    expect(reads.reads).toBe(0);

    // Renames, deletions and imports keep search right.
    await next.renameSession(id(5), 'Quarterly wombat review');
    expect((await next.listSessions({ offset: 0, limit: 50, search: 'wombat' })).total).toBe(2);
    await next.deleteSession(id(1234));
    const afterDelete = await next.listSessions({ offset: 0, limit: 50, search: 'wombat' });
    expect(afterDelete.sessions.map((s) => s.id)).toEqual([id(5)]);
    const again = bulkExport(SESSIONS);
    expect(await next.importSessions({ ...again, sessions: [again.sessions[1234]!] })).toEqual({
      imported: 1,
      skipped: 0,
    });
    expect((await next.listSessions({ offset: 0, limit: 50, search: 'wombat' })).total).toBe(2);
  });

  it('reconciles in the background after init() and tells the list to refresh', async () => {
    const origin = new Origin();
    const { engine } = await origin.engine('w1');
    await engine.importSessions(bulkExport(500));
    await engine.close();
    origin.crash('w1');
    for (let i = 0; i < 500; i += 100) await origin.meta.deleteSession(id(i));
    const { engine: next, events } = await origin.engine('w2');
    expect(events).toContainEqual({ type: 'sessions-changed' });
    expect((await next.listSessions({ offset: 0, limit: 10 })).total).toBe(500);
    expect(origin.meta.audit.find((e) => e.action === 'reconciled')?.counts).toEqual({
      added: 5,
      removed: 0,
    });
  });
});
