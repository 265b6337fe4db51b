/**
 * The window-side facade (src/persistence/client.ts) over a real engine with in-memory stores,
 * standing in for the Comlink remote: seq assignment, ordering, the pending queue while the disk is
 * full, retries (timer and new appends), error / error-cleared events, and import validation.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Comlink from 'comlink';
import type { WalRecord } from '../src/core/records.ts';
import {
  ACKS_EVENT,
  RETRY_MS,
  WorkerPersistenceClient,
  type AcksEventDetail,
  type PumpOptions,
} from '../src/persistence/client.ts';
import type {
  AppendBatchResult,
  AppendRecordsResult,
  PersistenceEvent,
  PersistenceWorkerApi,
} from '../src/shared/persistence-api.ts';
import { packExportFile, packTranscript } from '../src/shared/utterance-wire.ts';
import { VaultEngine } from '../src/store/engine.ts';
import { AppendGate } from '../src/worker/append-gate.ts';
import { Origin } from './store-harness.ts';

/**
 * Stands in for the worker: the same AppendGate as src/worker/persistence.worker.ts in front of the
 * engine. `store` may replace how a batch reaches the engine (to inject failures).
 */
function remoteFor(
  engine: VaultEngine,
  store: (records: WalRecord[]) => Promise<AppendBatchResult> = (r) => engine.appendBatch(r),
): PersistenceWorkerApi & { results: AppendRecordsResult[] } {
  const gate = new AppendGate(store);
  const results: AppendRecordsResult[] = [];
  return {
    results,
    init: async (o) => ({
      writerId: o.writerId ?? 'w',
      recovery: await engine.init({ ...o, writerId: o.writerId ?? 'w' }),
    }),
    appendRecords: async (batch, after, r) => {
      // Structured clone, as across the worker boundary: the engine never shares the facade's objects.
      const result = await gate.append(batch, after, structuredClone(r));
      results.push(result);
      return result;
    },
    getSession: (id) => engine.getSession(id),
    // async like every method of a Comlink remote.
    visibilityChanged: async (h) => engine.visibilityChanged(h),
    pageHide: async () => engine.pageHide(),
    listSessions: (q) => engine.listSessions(q),
    readSession: async (id) => packTranscript(await engine.readSession(id)),
    renameSession: (id, t) => engine.renameSession(id, t),
    deleteSession: (id) => engine.deleteSession(id),
    exportSessions: async (ids) => packExportFile(await engine.exportSessions(ids)),
    importSessions: (f) => engine.importSessions(f),
    diagnostics: () => engine.diagnostics(),
    storageStats: (p) => engine.storageStats(p),
    setPersisted: (p) => engine.setPersisted(p),
    setRetentionDays: (d) => engine.setRetentionDays(d),
    auditLog: (o, l) => engine.auditLog(o, l),
    subscribe: (l) => void engine.subscribe(l),
    subscribePort: () => {
      throw new Error('the facade subscribes with a port only when it owns a real worker');
    },
    close: () => engine.close(),
  };
}

function newEngine(origin: Origin): VaultEngine {
  return new VaultEngine({
    files: origin.files,
    meta: origin.meta,
    locks: origin.locks,
    peers: null,
    clock: { now: () => Date.now() },
  });
}

async function setup(
  options: {
    pump?: PumpOptions;
    store?: (engine: VaultEngine) => (records: WalRecord[]) => Promise<AppendBatchResult>;
  } = {},
) {
  const origin = new Origin();
  const engine = newEngine(origin);
  const remote = remoteFor(engine, options.store?.(engine));
  const client = new WorkerPersistenceClient(
    remote as unknown as Comlink.Remote<PersistenceWorkerApi>,
    null,
    options.pump,
  );
  const events: PersistenceEvent[] = [];
  client.subscribe((e) => events.push(e));
  await client.start({ writerId: 'tab1', requestPersistence: false });
  return { origin, engine, remote, client, events };
}

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

/**
 * Like a Comlink remote: after `[Comlink.releaseProxy]()` every property access throws synchronously
 * ("Proxy has been released and is not useable"). Accesses after release are recorded by name.
 */
function releasableRemote(remote: PersistenceWorkerApi) {
  let released = false;
  const usedAfterRelease: string[] = [];
  const proxy = new Proxy(remote, {
    get(target, prop, receiver) {
      if (prop === Comlink.releaseProxy) return () => void (released = true);
      if (released) {
        usedAfterRelease.push(String(prop));
        throw new Error('Proxy has been released and is not useable');
      }
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
  return { proxy: proxy as unknown as Comlink.Remote<PersistenceWorkerApi>, usedAfterRelease };
}

describe('PersistenceClient facade', () => {
  it('assigns seqs from 0, acknowledges in order and reads back the transcript', async () => {
    const { client } = await setup();
    const meta = await client.startSession({ title: 'Facade', source: 'demo', lang: 'en' });
    expect(meta).toMatchObject({ status: 'recording', title: 'Facade', writerId: 'tab1' });
    const acks = await Promise.all([
      client.appendPartial(meta.id, { utterance: 0, startMs: 0, text: 'hel' }),
      client.appendPartial(meta.id, { utterance: 0, startMs: 0, text: 'hello' }),
      client.appendFinal(meta.id, {
        utterance: 0,
        startMs: 0,
        endMs: 800,
        text: 'hello there',
        confidence: 0.8,
      }),
    ]);
    expect(acks.map((a) => a.seq)).toEqual([1, 2, 3]);
    const stopped = await client.stopSession(meta.id);
    expect(stopped.status).toBe('stopped');
    expect((await client.readSession(meta.id)).utterances.map((u) => u.text)).toEqual(['hello there']);
    expect(client.pendingCount()).toBe(0);
    await expect(
      client.appendPartial(meta.id, { utterance: 1, startMs: 0, text: 'x' }),
    ).rejects.toMatchObject({
      code: 'unknown-session',
    });
  });

  it('keeps records in memory while the disk is full, retries, and lands them in order when space returns', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { origin, client, events } = await setup();
    const meta = await client.startSession({ title: 'Full disk', source: 'demo', lang: 'en' });
    await client.appendFinal(meta.id, {
      utterance: 0,
      startMs: 0,
      endMs: 500,
      text: 'stored before',
      confidence: null,
    });
    origin.files.quotaBytes = origin.files.totalBytes();
    const waiting = [1, 2, 3].map((u) =>
      client.appendFinal(meta.id, {
        utterance: u,
        startMs: u * 1000,
        endMs: u * 1000 + 500,
        text: `held ${u}`,
        confidence: null,
      }),
    );
    await vi.advanceTimersByTimeAsync(10);
    expect(client.pendingCount()).toBe(3);
    expect(
      events.filter((e) => e.type === 'error').map((e) => (e as { error: { code: string } }).error.code),
    ).toContain('quota-exceeded');
    // A stop while the disk is full answers at once with what the user sees; the record waits.
    const stop = await client.stopSession(meta.id);
    expect(stop.status).toBe('stopped');
    expect(client.pendingCount()).toBe(4);
    // Still full: the timer retry fails and keeps everything.
    await vi.advanceTimersByTimeAsync(RETRY_MS);
    expect(client.pendingCount()).toBe(4);
    origin.files.quotaBytes = null;
    await vi.advanceTimersByTimeAsync(RETRY_MS);
    const acks = await Promise.all(waiting);
    expect(acks.map((a) => [a.seq, a.duplicate])).toEqual([
      [2, false],
      [3, false],
      [4, false],
    ]);
    expect(client.pendingCount()).toBe(0);
    expect(events).toContainEqual({ type: 'error-cleared', code: 'quota-exceeded' });
    const t = await client.readSession(meta.id);
    expect(t.utterances.map((u) => u.text)).toEqual(['stored before', 'held 1', 'held 2', 'held 3']);
    expect(t.meta.status).toBe('stopped');
  });

  it('retries at once on a new append without waiting for the timer', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { origin, client } = await setup();
    const meta = await client.startSession({ title: 'Retry', source: 'demo', lang: 'en' });
    origin.files.quotaBytes = origin.files.totalBytes();
    const first = client.appendPartial(meta.id, { utterance: 0, startMs: 0, text: 'one' });
    await vi.advanceTimersByTimeAsync(10);
    expect(client.pendingCount()).toBe(1);
    origin.files.quotaBytes = null;
    const second = client.appendPartial(meta.id, { utterance: 0, startMs: 0, text: 'one two' });
    await vi.advanceTimersByTimeAsync(10); // far less than RETRY_MS
    expect((await first).seq).toBe(1);
    expect((await second).seq).toBe(2);
  });

  it('refuses a bad import with bad-import and changes nothing', async () => {
    const { client } = await setup();
    await expect(client.importSessions('{"format":"something-else"}')).rejects.toMatchObject({
      code: 'bad-import',
    });
    expect((await client.listSessions({ offset: 0, limit: 10 })).total).toBe(0);
  });

  it('close() removes its pagehide/visibilitychange listeners: the released proxy is never touched', async () => {
    // Node has no window/document: real EventTargets stand in for them.
    const fakeWindow = new EventTarget();
    const fakeDocument = Object.assign(new EventTarget(), { visibilityState: 'hidden' });
    vi.stubGlobal('window', fakeWindow);
    vi.stubGlobal('document', fakeDocument);
    const engine = newEngine(new Origin());
    const remote = remoteFor(engine);
    const pageHides = vi.spyOn(remote, 'pageHide');
    const visibilityChanges = vi.spyOn(remote, 'visibilityChanged');
    const { proxy, usedAfterRelease } = releasableRemote(remote);
    const client = new WorkerPersistenceClient(proxy, null);
    await client.start({ writerId: 'tab1', requestPersistence: false });
    // While open, the page events reach the worker.
    fakeWindow.dispatchEvent(new Event('pagehide'));
    fakeDocument.dispatchEvent(new Event('visibilitychange'));
    await Promise.resolve();
    expect(pageHides).toHaveBeenCalledTimes(1);
    expect(visibilityChanges).toHaveBeenCalledWith(true);

    await client.close();
    fakeWindow.dispatchEvent(new Event('pagehide'));
    fakeDocument.dispatchEvent(new Event('visibilitychange'));
    await client.close(); // a second close is a no-op, not a call on the released proxy
    expect(usedAfterRelease).toEqual([]);
    expect(pageHides).toHaveBeenCalledTimes(1);
    expect(visibilityChanges).toHaveBeenCalledTimes(1);
  });

  it('pipelined batches: a failed batch is never overtaken by the one sent after it', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    // The first batch holding seq 5 stores what precedes it, then fails like a locked file, once.
    let failed = false;
    const { remote, client, events } = await setup({
      pump: { batchMax: 2, maxInFlight: 2 },
      store: (engine) => async (records) => {
        const at = records.findIndex((r) => r.seq === 5);
        if (failed || at < 0) return engine.appendBatch(records);
        failed = true;
        const before = await engine.appendBatch(records.slice(0, at));
        return { acks: before.acks, error: { code: 'file-locked', message: 'locked for the test' } };
      },
    });
    const meta = await client.startSession({ title: 'Pipeline', source: 'demo', lang: 'en' });
    const acks = Array.from({ length: 12 }, (_, i) =>
      client.appendFinal(meta.id, {
        utterance: i,
        startMs: i * 1000,
        endMs: i * 1000 + 500,
        text: `final ${i + 1}`,
        confidence: null,
      }),
    );
    await vi.advanceTimersByTimeAsync(10);
    // A batch sent behind the failed one was refused by the worker, not stored ahead of seq 5.
    expect(remote.results.some((r) => r.refused)).toBe(true);
    expect(client.pendingCount()).toBeGreaterThan(0);
    await vi.advanceTimersByTimeAsync(RETRY_MS);
    const settled = await Promise.all(acks);
    expect(settled.map((a) => [a.seq, a.duplicate])).toEqual(
      Array.from({ length: 12 }, (_, i) => [i + 1, false]),
    );
    expect(client.pendingCount()).toBe(0);
    expect(events).toContainEqual({ type: 'error-cleared', code: 'file-locked' });
    const t = await client.readSession(meta.id);
    expect(t.utterances.map((u) => u.text)).toEqual(Array.from({ length: 12 }, (_, i) => `final ${i + 1}`));
  });

  it('a batch lost before it reached the worker also stops the batches sent after it', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { remote, client } = await setup({ pump: { batchMax: 2, maxInFlight: 2 } });
    const appendRecords = remote.appendRecords;
    let lost = false;
    remote.appendRecords = (batch, after, records) => {
      if (!lost && records.some((r) => r.seq === 5)) {
        lost = true;
        // The worker never sees this batch, and the facade learns it only after it sent the next one.
        return new Promise((_, reject) => setTimeout(() => reject(new Error('lost on the way')), 1));
      }
      return appendRecords(batch, after, records);
    };
    const meta = await client.startSession({ title: 'Lost batch', source: 'demo', lang: 'en' });
    const acks = Array.from({ length: 12 }, (_, i) =>
      client.appendPartial(meta.id, { utterance: 0, startMs: 0, text: `w${i + 1}` }),
    );
    await vi.advanceTimersByTimeAsync(10);
    expect(remote.results.some((r) => r.refused)).toBe(true);
    await vi.advanceTimersByTimeAsync(RETRY_MS);
    expect((await Promise.all(acks)).map((a) => [a.seq, a.duplicate])).toEqual(
      Array.from({ length: 12 }, (_, i) => [i + 1, false]),
    );
  });

  it('keeps several batches in flight and lands a long burst in order', async () => {
    const { remote, client } = await setup({ pump: { batchMax: 8, maxInFlight: 2 } });
    const meta = await client.startSession({ title: 'Burst', source: 'demo', lang: 'en' });
    let inFlight = 0;
    let maxSeen = 0;
    const appendRecords = remote.appendRecords;
    remote.appendRecords = async (batch, after, records) => {
      maxSeen = Math.max(maxSeen, ++inFlight);
      try {
        return await appendRecords(batch, after, records);
      } finally {
        inFlight--;
      }
    };
    const acks = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        client.appendPartial(meta.id, { utterance: 0, startMs: 0, text: `word `.repeat(i + 1).trim() }),
      ),
    );
    expect(acks.map((a) => a.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(maxSeen).toBe(2);
    expect(remote.results.every((r) => r.stored <= 8)).toBe(true);
    expect(client.pendingCount()).toBe(0);
  });

  it('dispatches one scribe-vault:acks event per acknowledged batch, listing its records in order', async () => {
    const fakeWindow = new EventTarget();
    vi.stubGlobal('window', fakeWindow);
    const batches: AcksEventDetail[] = [];
    fakeWindow.addEventListener(ACKS_EVENT, (e) => batches.push((e as CustomEvent<AcksEventDetail>).detail));
    const { client } = await setup({ pump: { batchMax: 16 } });
    const meta = await client.startSession({ title: 'Acks', source: 'demo', lang: 'en' });
    await Promise.all([
      ...Array.from({ length: 40 }, (_, i) =>
        client.appendPartial(meta.id, { utterance: 0, startMs: 0, text: `p${i}` }),
      ),
      client.appendFinal(meta.id, { utterance: 0, startMs: 0, endMs: 10, text: 'done', confidence: 0.5 }),
    ]);
    const records = batches.flatMap((b) => b.records);
    expect(records.map((r) => r.seq)).toEqual(Array.from({ length: 42 }, (_, i) => i));
    expect(records[0]).toMatchObject({
      sessionId: meta.id,
      type: 'session-start',
      utterance: null,
      text: null,
    });
    expect(records[41]).toEqual({ sessionId: meta.id, seq: 41, type: 'final', utterance: 0, text: 'done' });
    // One event per batch (here 1 + 1 + 1 + 16 + 16 + 7 records), not one per record.
    expect(batches.length).toBeLessThan(records.length / 4);
  });

  it('drops the queued records of a deleted session, in flight or not, and keeps the others', async () => {
    const { client } = await setup({ pump: { batchMax: 2, maxInFlight: 2 } });
    const a = await client.startSession({ title: 'A', source: 'demo', lang: 'en' });
    const b = await client.startSession({ title: 'B', source: 'demo', lang: 'en' });
    const outcomes: Array<Promise<string>> = [];
    for (let i = 0; i < 10; i++) {
      for (const s of [a, b]) {
        outcomes.push(
          client.appendPartial(s.id, { utterance: 0, startMs: 0, text: `${s.title}${i}` }).then(
            (ack) => `${s.title} ${ack.seq} ok`,
            (e: { code: string }) => `${s.title} ${e.code}`,
          ),
        );
      }
    }
    await client.deleteSession(b.id);
    const results = await Promise.all(outcomes);
    expect(results.filter((r) => r.startsWith('A'))).toEqual(
      Array.from({ length: 10 }, (_, i) => `A ${i + 1} ok`),
    );
    // B's records were acknowledged (stored before the deletion) or rejected, never left pending.
    expect(
      results.filter((r) => r.startsWith('B')).every((r) => /^B (\d+ ok|unknown-session)$/.test(r)),
    ).toBe(true);
    expect(client.pendingCount()).toBe(0);
    const t = await client.readSession(a.id);
    expect(t.meta.finals).toBe(0);
    await client.stopSession(a.id);
  });
});
