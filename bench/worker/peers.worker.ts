/**
 * The bench worker for every peer contender (and for the project's codec measured on its own).
 * Exposed with Comlink to bench/page. Records are generated here from the seed, so no record
 * crosses postMessage inside a timed loop.
 */
import * as Comlink from 'comlink';
import { SegmentEncoder } from '../../src/core/segment-encoder.ts';
import type { WalRecord } from '../../src/core/records.ts';
import { SegmentWriter } from '../../src/core/segment-writer.ts';
import type { PeerKind, PeersWorkerApi, TrialOptions, TrialResult } from '../shared/protocol.ts';
import { benchStream } from '../shared/workload.ts';
import { engineStore } from './engine-store.ts';
import { idbStore } from './idb-stores.ts';
import { seedIndex } from './seed-index.ts';
import { SyncHandleFile } from '../../src/worker/sync-handle-file.ts';
import { jsonLinesStore, openBenchFile, rawBytesStore } from './opfs-stores.ts';
import { runTrial, type RecordStore } from './trial.ts';

let trialCounter = 0;

function segmentFrames(records: readonly WalRecord[]): Uint8Array[] {
  const encoder = new SegmentEncoder();
  return records.map((r) => encoder.encode(r));
}

async function walWriterStore(name: string, records: readonly WalRecord[]): Promise<RecordStore> {
  const { handle, remove } = await openBenchFile(name);
  const writer = new SegmentWriter(new SyncHandleFile(handle, name));
  return {
    append(index) {
      writer.append(records[index]!);
    },
    flush: () => writer.flush(),
    bytes: () => writer.size,
    dispose: async (keep) => {
      writer.close();
      if (!keep) await remove();
    },
  };
}

async function openStore(kind: PeerKind, name: string, records: readonly WalRecord[]): Promise<RecordStore> {
  switch (kind) {
    case 'scribe-engine':
      return engineStore(records);
    case 'wal-writer':
      return walWriterStore(name, records);
    case 'opfs-raw':
      // The very bytes the WAL writer produces (SegmentEncoder: delta partials), pre-encoded before
      // the clock starts: only the write() calls are timed.
      return rawBytesStore(name, segmentFrames(records));
    case 'opfs-jsonl':
      return jsonLinesStore(name, records);
    case 'idb-put':
      return idbStore(name, records, 'put');
    case 'idb-put-relaxed':
      return idbStore(name, records, 'put-relaxed');
    case 'idb-batch':
      return idbStore(name, records, 'batch');
    case 'sqlite-autocommit':
    case 'sqlite-txn': {
      const { sqliteStore } = await import('./sqlite-stores.ts');
      return sqliteStore(
        name.replace(/[^a-z0-9-]/gi, '_'),
        records,
        kind === 'sqlite-txn' ? 'txn' : 'autocommit',
      );
    }
  }
}

const streams = new Map<string, WalRecord[]>();
function stream(seed: number, count: number): WalRecord[] {
  const key = `${seed}:${count}`;
  let records = streams.get(key);
  if (!records) {
    streams.clear();
    records = benchStream(seed, count);
    streams.set(key, records);
  }
  return records;
}

const api: PeersWorkerApi = {
  seedIndex,
  async runTrial(kind: PeerKind, opts: TrialOptions): Promise<TrialResult> {
    const records = stream(opts.seed, opts.records);
    const store = await openStore(kind, `${kind}-${++trialCounter}`, records);
    try {
      return await runTrial(kind, store, records, opts);
    } finally {
      await store.dispose(opts.keep === true);
    }
  },
};

Comlink.expose(api);
