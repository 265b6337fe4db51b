/**
 * The bench page. The Node driver (bench/run.ts) calls the functions on `window.__bench` with
 * page.evaluate, one measurement at a time, so contenders never overlap.
 */
import * as Comlink from 'comlink';
import { apiTrial, benchClient, type ApiMode } from './api-contender.ts';
import { mainThreadResult, startMainThreadSession, type MainThreadResult } from './main-thread.ts';
import {
  firstScreen,
  measureMemory,
  recordLongSession,
  recoverLongSession,
  seedSessions,
  type FirstScreen,
  type LongSessionRecord,
  type LongSessionRecovery,
  type MemorySample,
} from './scale.ts';
import type {
  PeerKind,
  PeersWorkerApi,
  RecoveryResult,
  RecoveryWorkerApi,
  TrialOptions,
  TrialResult,
} from '../shared/protocol.ts';

// Started on first use, so pages that measure start-up (first screen, recovery) run nothing else.
let peers: Comlink.Remote<PeersWorkerApi> | null = null;
function peersWorker(): Comlink.Remote<PeersWorkerApi> {
  peers ??= Comlink.wrap<PeersWorkerApi>(
    new Worker(new URL('../worker/peers.worker.ts', import.meta.url), { type: 'module' }),
  );
  return peers;
}

/** Runs `fn` against a fresh recovery worker (a reload starts a fresh worker too), then ends it. */
async function withRecoveryWorker<T>(fn: (w: Comlink.Remote<RecoveryWorkerApi>) => Promise<T>): Promise<T> {
  const worker = new Worker(new URL('../worker/recovery.worker.ts', import.meta.url), { type: 'module' });
  try {
    return await fn(Comlink.wrap<RecoveryWorkerApi>(worker));
  } finally {
    worker.terminate();
  }
}

/**
 * Writes `targetMiB` of WAL (or the same records into SQLite) in one worker, then recovers it in a
 * fresh one. pageMs spans `new Worker` to the rebuilt transcript, i.e. what a reload would wait.
 */
async function recovery(
  kind: 'wal' | 'sqlite',
  targetMiB: number,
  seed: number,
): Promise<RecoveryResult & { pageMs: number }> {
  await withRecoveryWorker((w) =>
    kind === 'wal' ? w.prepareWal(targetMiB, seed) : w.prepareSqlite(targetMiB, seed),
  );
  const t0 = performance.now();
  const result = await withRecoveryWorker((w) => (kind === 'wal' ? w.recoverWal() : w.recoverSqlite()));
  const pageMs = performance.now() - t0;
  if (kind === 'wal') await withRecoveryWorker((w) => w.removeWal());
  return { ...result, targetBytes: targetMiB * 1024 * 1024, pageMs };
}

export interface BenchPageApi {
  crossOriginIsolated: boolean;
  peerTrial(kind: PeerKind, opts: TrialOptions): Promise<TrialResult>;
  apiTrial(opts: TrialOptions, mode: ApiMode): Promise<TrialResult>;
  startMainThreadSession(count: number, partialsPerSecond: number, seed: number, idle: boolean): void;
  mainThreadResult(): Promise<MainThreadResult>;
  seedSessions(count: number, utterances: number, seed: number): Promise<{ ms: number }>;
  seedIndex(count: number, utterances: number, seed: number): Promise<{ ms: number }>;
  firstScreen(pageSize: number): Promise<FirstScreen>;
  recordLongSession(
    partials: number,
    seed: number,
    memorySamples: number,
    recordsPerSecond: number,
  ): Promise<LongSessionRecord>;
  recoverLongSession(sessionId: string): Promise<LongSessionRecovery>;
  measureMemory(): Promise<MemorySample | null>;
  closeClient(): Promise<void>;
  recovery(
    kind: 'wal' | 'sqlite',
    targetMiB: number,
    seed: number,
  ): Promise<RecoveryResult & { pageMs: number }>;
}

const api: BenchPageApi = {
  crossOriginIsolated: globalThis.crossOriginIsolated,
  peerTrial: (kind, opts) => peersWorker().runTrial(kind, opts),
  apiTrial,
  startMainThreadSession,
  mainThreadResult,
  seedSessions,
  seedIndex: async (count, utterances, seed) => {
    await benchClient(); // creates the database (migrations) first
    return peersWorker().seedIndex(count, utterances, seed);
  },
  firstScreen,
  recordLongSession,
  recoverLongSession,
  measureMemory,
  closeClient: async () => (await benchClient()).close(),
  recovery,
};

declare global {
  interface Window {
    __bench?: BenchPageApi;
  }
}

window.__bench = api;
document.getElementById('status')!.textContent = 'ready';
