/**
 * The window-side facade (src/persistence/client.ts) over a real engine with in-memory stores,
 * standing in for the Comlink remote: seq assignment, ordering, the pending queue while the disk is
 * full, retries (timer and new appends), error / error-cleared events, and import validation.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Comlink from 'comlink';
import { RETRY_MS, WorkerPersistenceClient } from '../src/persistence/client.ts';
import type { PersistenceEvent, PersistenceWorkerApi } from '../src/shared/persistence-api.ts';
import { VaultEngine } from '../src/store/engine.ts';
import { Origin } from './store-harness.ts';

function remoteFor(engine: VaultEngine): PersistenceWorkerApi {
  return {
    init: async (o) => ({
      writerId: o.writerId ?? 'w',
      recovery: await engine.init({ ...o, writerId: o.writerId ?? 'w' }),
    }),
    appendBatch: (r) => engine.appendBatch(r),
    getSession: (id) => engine.getSession(id),
    // async like every method of a Comlink remote.
    visibilityChanged: async (h) => engine.visibilityChanged(h),
    pageHide: async () => engine.pageHide(),
    listSessions: (q) => engine.listSessions(q),
    readSession: (id) => engine.readSession(id),
    renameSession: (id, t) => engine.renameSession(id, t),
    deleteSession: (id) => engine.deleteSession(id),
    exportSessions: (ids) => engine.exportSessions(ids),
    importSessions: (f) => engine.importSessions(f),
    diagnostics: () => engine.diagnostics(),
    storageStats: (p) => engine.storageStats(p),
    setPersisted: (p) => engine.setPersisted(p),
    setRetentionDays: (d) => engine.setRetentionDays(d),
    auditLog: (o, l) => engine.auditLog(o, l),
    subscribe: (l) => void engine.subscribe(l),
    close: () => engine.close(),
  };
}

async function setup() {
  const origin = new Origin();
  const engine = new VaultEngine({
    files: origin.files,
    meta: origin.meta,
    locks: origin.locks,
    peers: null,
    clock: { now: () => Date.now() },
  });
  const client = new WorkerPersistenceClient(
    remoteFor(engine) as unknown as Comlink.Remote<PersistenceWorkerApi>,
    null,
  );
  const events: PersistenceEvent[] = [];
  client.subscribe((e) => events.push(e));
  await client.start({ writerId: 'tab1', requestPersistence: false });
  return { origin, engine, client, events };
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
    const origin = new Origin();
    const engine = new VaultEngine({
      files: origin.files,
      meta: origin.meta,
      locks: origin.locks,
      peers: null,
      clock: { now: () => Date.now() },
    });
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
});
