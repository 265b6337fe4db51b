/**
 * Main-thread impact of persistence during a live session through the real facade: long tasks
 * (PerformanceObserver 'longtask', > 50 ms), event-loop lag (how late a 10 ms timer fires) and input
 * delay (the driver clicks a button through Chromium's real input pipeline; delay = handler start −
 * event.timeStamp). The page does nothing else, so every long task is persistence (or the bench's own
 * few lines of driving code). An idle run of the same probes gives the baseline.
 */
import type { WalRecord } from '../../src/core/records.ts';
import { quantile } from '../shared/stats.ts';
import { benchStream } from '../shared/workload.ts';
import { benchClient } from './api-contender.ts';

export interface MainThreadResult {
  records: number;
  wallMs: number;
  longTasks: number;
  longTaskMaxMs: number;
  longTaskTotalMs: number;
  lagP50Ms: number;
  lagP99Ms: number;
  lagMaxMs: number;
  inputs: number;
  inputDelayP50Ms: number;
  inputDelayP99Ms: number;
  inputDelayMaxMs: number;
  /** Acknowledgement latency of each record, ms (p50/p99/max). */
  ackP50Ms: number;
  ackP99Ms: number;
  ackMaxMs: number;
}

const inputDelays: number[] = [];
const probeButton = document.createElement('button');
probeButton.id = 'probe';
probeButton.textContent = 'probe';
probeButton.addEventListener('pointerdown', (event) => inputDelays.push(performance.now() - event.timeStamp));
document.body.append(probeButton);

let running: Promise<MainThreadResult> | null = null;

function partialRate(records: readonly WalRecord[], partialsPerSecond: number): number {
  const partials = records.filter((r) => r.type === 'partial').length;
  return (partialsPerSecond * records.length) / Math.max(1, partials);
}

async function session(
  count: number,
  partialsPerSecond: number,
  seed: number,
  idle: boolean,
): Promise<MainThreadResult> {
  const client = idle ? null : await benchClient();
  const records = benchStream(seed, count);
  const intervalMs = 1000 / partialRate(records, partialsPerSecond);
  const longTasks: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => longTasks.push(...list.getEntries()));
  observer.observe({ type: 'longtask' });
  const lags: number[] = [];
  let expected = performance.now() + 10;
  const lagTimer = setInterval(() => {
    const now = performance.now();
    lags.push(Math.max(0, now - expected));
    expected = now + 10;
  }, 10);
  inputDelays.length = 0;
  const acks: number[] = [];
  const pending: Array<Promise<unknown>> = [];
  const start = performance.now();
  const meta = client
    ? await client.startSession({ title: 'Main-thread bench', source: 'demo', lang: 'en' })
    : null;
  for (let i = 0; i < records.length; i++) {
    const due = start + i * intervalMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const r = records[i]!;
    if (!client || !meta) continue;
    const t0 = performance.now();
    let ack: Promise<unknown> | null = null;
    if (r.type === 'partial') {
      ack = client.appendPartial(meta.id, { utterance: r.utterance, startMs: r.startMs, text: r.text });
    } else if (r.type === 'final') {
      ack = client.appendFinal(meta.id, {
        utterance: r.utterance,
        startMs: r.startMs,
        endMs: r.endMs,
        text: r.text,
        confidence: r.confidence,
      });
    }
    if (ack) pending.push(ack.then(() => acks.push(performance.now() - t0)));
  }
  await Promise.all(pending);
  if (client && meta) await client.stopSession(meta.id);
  const wallMs = performance.now() - start;
  clearInterval(lagTimer);
  // Long-task entries are delivered asynchronously: give the observer a moment.
  await new Promise((resolve) => setTimeout(resolve, 200));
  observer.disconnect();
  return {
    records: idle ? 0 : records.length,
    wallMs,
    longTasks: longTasks.length,
    longTaskMaxMs: Math.max(0, ...longTasks.map((e) => e.duration)),
    longTaskTotalMs: longTasks.reduce((sum, e) => sum + e.duration, 0),
    lagP50Ms: quantile(lags, 0.5),
    lagP99Ms: quantile(lags, 0.99),
    lagMaxMs: quantile(lags, 1),
    inputs: inputDelays.length,
    inputDelayP50Ms: quantile(inputDelays, 0.5),
    inputDelayP99Ms: quantile(inputDelays, 0.99),
    inputDelayMaxMs: quantile(inputDelays, 1),
    ackP50Ms: quantile(acks, 0.5),
    ackP99Ms: quantile(acks, 0.99),
    ackMaxMs: quantile(acks, 1),
  };
}

/** Starts a session in the background (the driver keeps clicking meanwhile); see mainThreadResult(). */
export function startMainThreadSession(
  count: number,
  partialsPerSecond: number,
  seed: number,
  idle: boolean,
): void {
  running = session(count, partialsPerSecond, seed, idle);
}

export function mainThreadResult(): Promise<MainThreadResult> {
  if (!running) throw new Error('no main-thread session was started');
  return running;
}
