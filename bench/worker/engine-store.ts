/**
 * The project's persistence engine (src/store/engine.ts with the real OPFS and IndexedDB adapters
 * from src/worker) hosted in the bench worker, so the worker-side cost of each record can be timed
 * exactly: the same code the persistence worker runs for appendBatch, minus the Comlink hop. The
 * wiring mirrors createEngine() in src/worker/persistence.worker.ts (which is not exported).
 * The engine applies its own flush policy (DEFAULT_FLUSH_POLICY, the cadence every peer uses), so
 * the trial's flush() is a no-op here.
 */
import type { WalRecord } from '../../src/core/records.ts';
import { VaultEngine } from '../../src/store/engine.ts';
import { IdbMetaStore } from '../../src/worker/idb-meta-store.ts';
import { OpfsFileStore } from '../../src/worker/opfs-file-store.ts';
import { BroadcastPeerBus, WebLocks, browserTimers } from '../../src/worker/web-platform.ts';
import type { RecordStore } from './trial.ts';

let enginePromise: Promise<VaultEngine> | null = null;

function hostedEngine(): Promise<VaultEngine> {
  enginePromise ??= (async () => {
    const engine = new VaultEngine({
      files: await OpfsFileStore.open(),
      meta: await IdbMetaStore.open(),
      locks: new WebLocks(),
      peers: new BroadcastPeerBus(),
      clock: { now: () => Date.now() },
      monotonic: () => performance.now(),
      timers: browserTimers,
    });
    await engine.init({ persisted: null });
    return engine;
  })();
  return enginePromise;
}

/** Session ids must be unique per engine: every trial records a fresh session. */
let sessionCounter = 0;

export async function engineStore(records: readonly WalRecord[]): Promise<RecordStore> {
  const engine = await hostedEngine();
  const sessionId = `bench-engine-${Date.now().toString(36)}-${++sessionCounter}`;
  const own = records.map((r) => ({ ...r, sessionId }) as WalRecord);
  return {
    durableByItself: true,
    async append(index) {
      const { error } = await engine.appendBatch([own[index]!]);
      if (error) throw new Error(`engine append failed: ${error.code}: ${error.message}`);
    },
    flush() {
      // The engine's own FlushPolicy flushes (after N partials, finals, 250 ms timer).
    },
    // The engine's WAL also holds other sessions and checkpoints, and deletes covered segments:
    // no per-trial byte count. The size run measures the codec's bytes.
    bytes: () => Number.NaN,
    dispose() {
      // Sessions are kept: deleting one rewrites segments and asks every other live writer (the
      // facade's worker on the bench page) to purge it, which is not what this bench measures.
    },
  };
}
