/**
 * Fast set-up for the scale run: N stopped sessions as the import path would leave them — a session
 * file (generation 1, the real codec and record layout: sessionRecords of the folded session) and an
 * index row (metaOfFolded) — written in bulk. The engine's own import does the same per session but
 * lists the whole sessions/ directory for every file it writes, which makes seeding 10,000 sessions
 * take many minutes; the bench reports that import speed separately. At the next start-up the
 * engine's reconcile compares files and rows: the driver checks it added/removed none, i.e. the
 * seeded state is exactly what the engine expects.
 */
import { openDB } from 'idb';
import { encodeFrames } from '../../src/core/framing.ts';
import type { WalRecord } from '../../src/core/records.ts';
import { foldRecords } from '../../src/core/recovery-fold.ts';
import type { SessionMeta } from '../../src/shared/persistence-api.ts';
import { metaOfFolded } from '../../src/store/engine.ts';
import { sessionFilePath } from '../../src/store/paths.ts';
import { sessionRecords } from '../../src/store/session-state.ts';
import { DB_NAME } from '../../src/worker/idb-meta-store.ts';
import { benchStream } from '../shared/workload.ts';

export async function seedIndex(count: number, utterances: number, seed: number): Promise<{ ms: number }> {
  const t0 = performance.now();
  // Session files are written with the async createWritable() (many in parallel, each committed
  // when closed): the same bytes at the same paths the engine's FileStore uses, set up much faster
  // than one sync access handle at a time.
  const root = await navigator.storage.getDirectory();
  const writeFile = async (path: string, bytes: Uint8Array): Promise<void> => {
    const parts = path.split('/');
    let dir = root;
    for (const part of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(part, { create: true });
    const writable = await (await dir.getFileHandle(parts.at(-1)!, { create: true })).createWritable();
    await writable.write(bytes as Uint8Array<ArrayBuffer>);
    await writable.close();
  };
  const writes: Array<Promise<void>> = [];
  // The page created the database (all migrations) before calling this: open it at its version.
  const db = await openDB(DB_NAME);
  const finals = benchStream(seed, utterances * 9 + 2).filter((r) => r.type === 'final');
  let rows: SessionMeta[] = [];
  const commit = async () => {
    const tx = db.transaction('sessions', 'readwrite');
    for (const row of rows) void tx.store.put(row);
    await tx.done;
    rows = [];
  };
  for (let i = 0; i < count; i++) {
    const id = `seed-${seed.toString(36)}-${i.toString(36).padStart(4, '0')}`;
    const startedAt = 1_700_000_000_000 + i * 3_600_000;
    const records: WalRecord[] = [
      {
        type: 'session-start',
        sessionId: id,
        seq: 0,
        at: startedAt,
        title: `Seeded meeting ${i + 1}`,
        source: 'import',
        lang: 'en-US',
      },
    ];
    finals.slice(0, utterances).forEach((f, index) => {
      if (f.type !== 'final') return;
      records.push({
        type: 'final',
        sessionId: id,
        seq: index + 1,
        at: startedAt + index * 4000 + 3500,
        utterance: index,
        startMs: index * 4000,
        endMs: index * 4000 + 3500,
        text: f.text,
        confidence: 0.9,
      });
    });
    records.push({
      type: 'session-stop',
      sessionId: id,
      seq: records.length,
      at: startedAt + 600_000,
      reason: 'imported',
    });
    const folded = foldRecords(records).sessions.get(id)!;
    const frames = encodeFrames(sessionRecords(folded));
    writes.push(writeFile(sessionFilePath(id, 1), frames));
    rows.push(metaOfFolded(folded, frames.length, 'imported'));
    if (rows.length === 500) {
      await Promise.all(writes.splice(0));
      await commit();
    }
  }
  await Promise.all(writes);
  if (rows.length) await commit();
  db.close();
  return { ms: performance.now() - t0 };
}
