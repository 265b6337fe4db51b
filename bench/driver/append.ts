/**
 * Append benchmark: every contender stores the same stream with the same flush cadence, interleaved
 * over several rounds (round r starts at a different contender) so drift in the machine's state
 * (thermal, page cache, other load) spreads over all of them.
 */
import type { Page } from '@playwright/test';
import { PEER_KINDS, type PeerKind, type TrialOptions, type TrialResult } from '../shared/protocol.ts';
import { median, p99, quantile } from '../shared/stats.ts';
import { LIVE_PARTIALS_PER_SECOND } from '../shared/workload.ts';
import { CADENCE, type BenchConfig } from './config.ts';
import { fmt } from './report.ts';

export interface AppendRow {
  id: string;
  /** Records per second at full speed, median over rounds. */
  throughput: number;
  /** Per-record worker-side cost over all rounds, µs. */
  p50Us: number;
  p99Us: number;
  /** Median flush() duration, ms. */
  flushP50Ms: number;
  /** Logical bytes for one trial (NaN for IndexedDB). */
  bytes: number;
  rounds: number;
}

export interface LiveRow {
  id: string;
  p50Us: number;
  p99Us: number;
  maxUs: number;
}

export type TrialRunner = (opts: TrialOptions) => Promise<TrialResult>;

export function peerRunner(page: Page, kind: PeerKind): TrialRunner {
  return (opts) => page.evaluate(([k, o]) => window.__bench!.peerTrial(k, o), [kind, opts] as const);
}

export function apiRunner(page: Page, mode: 'pipelined' | 'awaited'): TrialRunner {
  return (opts) => page.evaluate(([o, m]) => window.__bench!.apiTrial(o, m), [opts, mode] as const);
}

/** Contender 1, the project's WAL through the real facade and worker. */
export const API_LABELS: Record<string, string> = {
  'scribe-api':
    'Scribe Vault through the real window facade + persistence worker (Comlink), every record handed over at once (the facade sends batches of up to 512, two in flight), acks awaited at the end',
  'scribe-api-awaited':
    'Same, but each call awaits its ack before the next (round-trip latency main thread → ack)',
};
export const API_DURABILITY: Record<string, string> = {
  'scribe-api': 'write() before ack; flush() on cadence',
  'scribe-api-awaited': 'write() before ack; flush() on cadence',
};

export function summarize(id: string, results: TrialResult[]): AppendRow {
  const samples = results.flatMap((r) => r.perRecordUs);
  const flushes = results.flatMap((r) => r.flushUs);
  return {
    id,
    throughput: median(results.map((r) => (r.records / r.totalMs) * 1000)),
    p50Us: median(samples),
    p99Us: p99(samples),
    flushP50Ms: median(flushes) / 1000,
    bytes: results[0]?.bytes ?? Number.NaN,
    rounds: results.length,
  };
}

export async function runAppend(
  config: BenchConfig,
  runners: Map<string, TrialRunner>,
  log: (line: string) => void,
): Promise<{ rows: AppendRow[]; live: LiveRow[]; clockResolutionUs: number }> {
  const ids = [...runners.keys()];
  const results = new Map<string, TrialResult[]>(ids.map((id) => [id, []]));
  let clockResolutionUs = Number.NaN;
  // One untimed pass each first: JIT warm-up, SQLite/wasm load, first OPFS directory creation.
  for (const id of ids) {
    await runners.get(id)!({
      seed: config.seed - 1,
      records: Math.min(200, config.recordsPerTrial),
      ratePerSecond: 0,
      cadence: CADENCE,
    });
  }
  for (let round = 0; round < config.rounds; round++) {
    const order = ids.map((_, i) => ids[(i + round) % ids.length]!);
    for (const id of order) {
      const result = await runners.get(id)!({
        seed: config.seed + round,
        records: config.recordsPerTrial,
        ratePerSecond: 0,
        cadence: CADENCE,
      });
      if (Number.isFinite(result.clockResolutionUs)) clockResolutionUs = result.clockResolutionUs;
      results.get(id)!.push(result);
      log(
        `  round ${round + 1}/${config.rounds} ${id.padEnd(18)} ${((result.records / result.totalMs) * 1000).toFixed(0).padStart(8)} rec/s  p50 ${fmt.us(median(result.perRecordUs))} µs`,
      );
    }
  }
  const live: LiveRow[] = [];
  if (config.liveRecords > 0) {
    for (const id of ids) {
      const result = await runners.get(id)!({
        seed: config.seed + 99,
        records: config.liveRecords,
        ratePerSecond: LIVE_PARTIALS_PER_SECOND,
        cadence: CADENCE,
      });
      live.push({
        id,
        p50Us: median(result.perRecordUs),
        p99Us: p99(result.perRecordUs),
        maxUs: quantile(result.perRecordUs, 1),
      });
      log(
        `  live 20/s ${id.padEnd(18)} p50 ${live.at(-1)!.p50Us.toFixed(1)} µs  p99 ${live.at(-1)!.p99Us.toFixed(1)} µs`,
      );
    }
  }
  return { rows: ids.map((id) => summarize(id, results.get(id)!)), live, clockResolutionUs };
}

export { PEER_KINDS };
