/**
 * Contender 1: the project's WAL through the real window facade (src/persistence/client.ts) and the
 * real persistence worker, exactly as the UI uses it. Latency = main thread call → acknowledgement
 * (the worker write()s the record before it acks); throughput = records / (first call → last ack).
 */
import { createPersistence, type ClosablePersistenceClient } from '../../src/persistence/client.ts';
import type { WalRecord } from '../../src/core/records.ts';
import type { Ack } from '../../src/shared/persistence-api.ts';
import type { TrialOptions, TrialResult } from '../shared/protocol.ts';
import { benchStream } from '../shared/workload.ts';

let clientPromise: Promise<ClosablePersistenceClient> | null = null;

/** One client (one worker, one writer) per bench page, created on first use. */
export function benchClient(): Promise<ClosablePersistenceClient> {
  clientPromise ??= createPersistence({ requestPersistence: false });
  return clientPromise;
}

/** Creates the page's client the way the app does at start-up (createPersistence() with defaults). */
export function createAppClient(): Promise<ClosablePersistenceClient> {
  if (clientPromise) throw new Error('this bench page already has a persistence client');
  clientPromise = createPersistence();
  return clientPromise;
}

export type ApiMode = 'pipelined' | 'awaited';

function send(client: ClosablePersistenceClient, sessionId: string, r: WalRecord): Promise<Ack> | null {
  if (r.type === 'partial') {
    return client.appendPartial(sessionId, { utterance: r.utterance, startMs: r.startMs, text: r.text });
  }
  if (r.type === 'final') {
    return client.appendFinal(sessionId, {
      utterance: r.utterance,
      startMs: r.startMs,
      endMs: r.endMs,
      text: r.text,
      confidence: r.confidence,
    });
  }
  return null;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

/**
 * pipelined: every record is handed over as fast as the caller can (the facade batches them to the
 * worker), acks awaited at the end — throughput. awaited: each call waits for its ack before the
 * next — round-trip latency. With ratePerSecond > 0 records are handed over at that rate.
 */
export async function apiTrial(opts: TrialOptions, mode: ApiMode): Promise<TrialResult> {
  const client = await benchClient();
  const records = benchStream(opts.seed, opts.records);
  // Timed: the appends only. SESSION_START/STOP go through startSession/stopSession, and the stop
  // also checkpoints the session into its own file, work no peer does.
  const meta = await client.startSession({ title: 'Bench session', source: 'demo', lang: 'en' });
  const start = performance.now();
  const perRecordUs: number[] = [];
  const inFlight: Array<Promise<unknown>> = [];
  const interval = opts.ratePerSecond > 0 ? 1000 / opts.ratePerSecond : 0;
  for (let i = 0; i < records.length; i++) {
    if (interval > 0) {
      const due = start + i * interval;
      const now = performance.now();
      if (due > now) await sleep(due - now);
    }
    const t0 = performance.now();
    const ack = send(client, meta.id, records[i]!);
    if (!ack) continue;
    const timed = ack.then(() => perRecordUs.push((performance.now() - t0) * 1000));
    if (mode === 'awaited') await timed;
    else inFlight.push(timed);
  }
  await Promise.all(inFlight);
  const totalMs = performance.now() - start;
  await client.stopSession(meta.id);
  // The session stays: deleting rewrites segments and is not what this bench measures.
  return {
    kind: `scribe-api-${mode}`,
    records: records.length,
    totalMs,
    // Pipelined "latency" would be queueing time behind the whole stream: not reported.
    perRecordUs: mode === 'awaited' || interval > 0 ? perRecordUs : [],
    flushUs: [],
    // Same as the engine row: no per-trial byte count (see the size section).
    bytes: Number.NaN,
    clockResolutionUs: Number.NaN,
  };
}
