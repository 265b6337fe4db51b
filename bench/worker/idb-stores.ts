/**
 * IndexedDB peers with the `idb` package: one put per record (its own transaction, default or
 * 'relaxed' durability) and one 'strict' transaction per flush holding the batch.
 */
import { deleteDB, openDB, type IDBPDatabase } from 'idb';
import type { WalRecord } from '../../src/core/records.ts';
import type { RecordStore } from './trial.ts';

export type IdbMode = 'put' | 'put-relaxed' | 'batch';

async function openRecordsDb(name: string): Promise<IDBPDatabase> {
  await deleteDB(name);
  return openDB(name, 1, {
    upgrade(db) {
      db.createObjectStore('records', { keyPath: ['sessionId', 'seq'] });
    },
  });
}

export async function idbStore(
  name: string,
  records: readonly WalRecord[],
  mode: IdbMode,
): Promise<RecordStore> {
  const db = await openRecordsDb(name);
  let pending: WalRecord[] = [];
  let stored = 0;
  const store: RecordStore = {
    durableByItself: mode !== 'batch',
    async append(index) {
      const record = records[index]!;
      if (mode === 'batch') {
        pending.push(record);
        return;
      }
      const options: IDBTransactionOptions = mode === 'put-relaxed' ? { durability: 'relaxed' } : {};
      const tx = db.transaction('records', 'readwrite', options);
      void tx.store.put(record);
      await tx.done;
      stored++;
    },
    async flush() {
      if (mode !== 'batch' || pending.length === 0) return;
      const batch = pending;
      pending = [];
      const tx = db.transaction('records', 'readwrite', { durability: 'strict' });
      for (const record of batch) void tx.store.put(record);
      await tx.done;
      stored += batch.length;
    },
    // IndexedDB has no byte accounting of its own (NaN = not applicable); the size run measures the
    // profile's files on disk instead.
    bytes: () => (stored >= 0 ? Number.NaN : 0),
    async dispose(keep) {
      db.close();
      if (!keep) await deleteDB(name);
    },
  };
  return store;
}
