/**
 * The bench page. The Node driver (bench/run.ts) calls the functions on `window.__bench` with
 * page.evaluate, one measurement at a time, so contenders never overlap.
 */
import * as Comlink from 'comlink';
import type { PeerKind, PeersWorkerApi, TrialOptions, TrialResult } from '../shared/protocol.ts';

const peersWorker = new Worker(new URL('../worker/peers.worker.ts', import.meta.url), { type: 'module' });
const peers = Comlink.wrap<PeersWorkerApi>(peersWorker);

export interface BenchPageApi {
  crossOriginIsolated: boolean;
  peerTrial(kind: PeerKind, opts: TrialOptions): Promise<TrialResult>;
}

const api: BenchPageApi = {
  crossOriginIsolated: globalThis.crossOriginIsolated,
  peerTrial: (kind, opts) => peers.runTrial(kind, opts),
};

declare global {
  interface Window {
    __bench?: BenchPageApi;
  }
}

window.__bench = api;
document.getElementById('status')!.textContent = 'ready';
