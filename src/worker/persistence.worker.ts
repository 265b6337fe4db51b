/**
 * The persistence worker: the only code that touches OPFS. One worker per tab = one WAL writer with
 * its own Web Lock and segment folder. Exposes PersistenceWorkerApi with Comlink; all logic lives in
 * the platform-free engine (src/store/engine.ts), this file only wires the browser adapters.
 */
import * as Comlink from 'comlink';
import type { WalRecord } from '../core/records.ts';
import {
  PersistenceError,
  type PersistenceEvent,
  type PersistenceWorkerApi,
  type WorkerInitOptions,
} from '../shared/persistence-api.ts';
import type { ExportFile } from '../shared/persistence-client.ts';
import { packedBuffers, packExportFile, packTranscript } from '../shared/utterance-wire.ts';
import { VaultEngine } from '../store/engine.ts';
import { AppendGate } from './append-gate.ts';
import { EventRelay } from './event-relay.ts';
import { IdbMetaStore } from './idb-meta-store.ts';
import { OpfsFileStore } from './opfs-file-store.ts';
import { BroadcastPeerBus, WebLocks, browserTimers } from './web-platform.ts';

let engine: VaultEngine | null = null;
let initializing: Promise<VaultEngine> | null = null;
const listeners = new Set<(event: PersistenceEvent) => void>();
const ports = new Set<MessagePort>();

function forward(event: PersistenceEvent): void {
  // One-way: no reply per event.
  for (const port of ports) port.postMessage(event);
  for (const l of listeners) {
    // A Comlink proxy call returns a promise; a closed page must not crash the worker.
    Promise.resolve(l(event)).catch(() => listeners.delete(l));
  }
}

const relay = new EventRelay(forward, browserTimers);
const gate = new AppendGate((records) => ready().appendBatch(records));

function ready(): VaultEngine {
  if (!engine) throw new PersistenceError('internal', 'The persistence worker is not initialised yet.');
  return engine;
}

async function createEngine(
  options: WorkerInitOptions,
): Promise<{ engine: VaultEngine; report: Awaited<ReturnType<VaultEngine['init']>> }> {
  const files = await OpfsFileStore.open();
  const meta = await IdbMetaStore.open().catch((error: unknown) => {
    throw new PersistenceError(
      'opfs-unavailable',
      `IndexedDB is unavailable (${error instanceof Error ? error.message : String(error)}); the session list cannot be stored.`,
    );
  });
  const created = new VaultEngine({
    files,
    meta,
    locks: new WebLocks(),
    peers: typeof BroadcastChannel === 'function' ? new BroadcastPeerBus() : null,
    clock: { now: () => Date.now() },
    monotonic: () => performance.now(),
    timers: browserTimers,
    estimate: async () => {
      const e = await navigator.storage.estimate();
      return { usage: e.usage ?? 0, quota: e.quota ?? 0 };
    },
  });
  created.subscribe((event) => relay.push(event));
  const report = await created.init(options);
  return { engine: created, report };
}

const api: PersistenceWorkerApi = {
  async init(options) {
    if (initializing) throw new PersistenceError('internal', 'init() was already called in this worker.');
    const pending = createEngine(options);
    initializing = pending.then((r) => r.engine);
    const { engine: created, report } = await pending;
    engine = created;
    return { writerId: created.writerId, recovery: report };
  },
  appendRecords: (batch: number, after: number | null, records: WalRecord[]) =>
    gate.append(batch, after, records),
  getSession: (id) => ready().getSession(id),
  visibilityChanged: (hidden) => engine?.visibilityChanged(hidden),
  pageHide: () => engine?.pageHide(),
  listSessions: (query) => ready().listSessions(query),
  // Transferred, not copied: see utterance-wire.ts.
  readSession: async (id) => {
    const packed = packTranscript(await ready().readSession(id));
    return Comlink.transfer(packed, packedBuffers(packed.utterances));
  },
  renameSession: (id, title) => ready().renameSession(id, title),
  deleteSession: (id) => ready().deleteSession(id),
  exportSessions: async (ids) => {
    const packed = packExportFile(await ready().exportSessions(ids));
    return Comlink.transfer(
      packed,
      packed.sessions.flatMap((s) => packedBuffers(s.utterances)),
    );
  },
  importSessions: (file: ExportFile) => ready().importSessions(file),
  diagnostics: () => ready().diagnostics(),
  storageStats: (pending) => ready().storageStats(pending),
  setPersisted: (persisted) => engine?.setPersisted(persisted),
  setRetentionDays: (days) => ready().setRetentionDays(days),
  auditLog: (offset, limit) => ready().auditLog(offset, limit),
  subscribe(listener) {
    listeners.add(listener);
  },
  subscribePort(port) {
    ports.add(port);
  },
  async close() {
    // The facade terminates the worker afterwards, which releases the writer lock.
    await engine?.close();
    relay.close();
  },
};

Comlink.expose(api);
