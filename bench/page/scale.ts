/**
 * Scale through the real facade and worker: seeding many sessions (the real import path), the first
 * list screen after a (re)load, and an 8-hour session — record, recover after a crash, read, export —
 * with main-thread long tasks and memory (performance.measureUserAgentSpecificMemory: page + workers;
 * the bench page is cross-origin isolated, which that API needs).
 */
import type { ExportFile } from '../../src/shared/persistence-client.ts';
import { quantile } from '../shared/stats.ts';
import { benchStream } from '../shared/workload.ts';
import { benchClient, createAppClient } from './api-contender.ts';

interface MemoryBreakdown {
  bytes: number;
  attribution: Array<{ scope: string }>;
}
interface MemoryMeasurement {
  bytes: number;
  breakdown: MemoryBreakdown[];
}

export interface MemorySample {
  totalBytes: number;
  windowBytes: number;
  workerBytes: number;
}

/** Page + dedicated workers memory, or null when the API is missing (not cross-origin isolated). */
export async function measureMemory(): Promise<MemorySample | null> {
  const measure = (
    performance as unknown as { measureUserAgentSpecificMemory?: () => Promise<MemoryMeasurement> }
  ).measureUserAgentSpecificMemory;
  if (!measure || !globalThis.crossOriginIsolated) return null;
  const m = await measure.call(performance);
  let windowBytes = 0;
  let workerBytes = 0;
  for (const b of m.breakdown) {
    const scope = b.attribution[0]?.scope ?? '';
    if (scope === 'Window') windowBytes += b.bytes;
    else if (scope.includes('Worker')) workerBytes += b.bytes;
  }
  return { totalBytes: m.bytes, windowBytes, workerBytes };
}

/** Time windows of the bench's own memory measurements (they force a GC): not persistence's. */
const memoryWindows: Array<[number, number]> = [];

async function sampleMemory(): Promise<MemorySample | null> {
  const start = performance.now();
  try {
    return await measureMemory();
  } finally {
    memoryWindows.push([start, performance.now()]);
  }
}

function longTaskRecorder(): {
  stop(): Promise<{ count: number; maxMs: number; duringMemoryProbe: number }>;
} {
  const entries: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => entries.push(...list.getEntries()));
  observer.observe({ type: 'longtask' });
  return {
    async stop() {
      await new Promise((resolve) => setTimeout(resolve, 100));
      observer.disconnect();
      const ours = entries.filter(
        (e) => !memoryWindows.some(([a, b]) => e.startTime + e.duration >= a && e.startTime <= b),
      );
      return {
        count: ours.length,
        maxMs: Math.max(0, ...ours.map((e) => e.duration)),
        duringMemoryProbe: entries.length - ours.length,
      };
    },
  };
}

/** Imports `count` stopped sessions of `utterances` finals each through the real import path. */
export async function seedSessions(count: number, utterances: number, seed: number): Promise<{ ms: number }> {
  const client = await benchClient();
  const finals = benchStream(seed, utterances * 9 + 2).filter((r) => r.type === 'final');
  const t0 = performance.now();
  const chunk = 500;
  for (let first = 0; first < count; first += chunk) {
    const file: ExportFile = {
      format: 'scribe-vault-export',
      version: 1,
      exportedAt: Date.now(),
      sessions: [],
    };
    for (let i = first; i < Math.min(count, first + chunk); i++) {
      const startedAt = 1_700_000_000_000 + i * 3_600_000;
      file.sessions.push({
        id: `seed-${seed.toString(36)}-${i.toString(36).padStart(4, '0')}`,
        title: `Seeded meeting ${i + 1}`,
        source: 'import',
        lang: 'en-US',
        startedAt,
        stoppedAt: startedAt + 600_000,
        utterances: finals.slice(0, utterances).map((f, index) => ({
          index,
          text: f.type === 'final' ? f.text : '',
          startMs: index * 4000,
          endMs: index * 4000 + 3500,
          confidence: 0.9,
        })),
      });
    }
    const result = await client.importSessions(file);
    if (result.imported + result.skipped !== file.sessions.length) throw new Error('import lost sessions');
  }
  return { ms: performance.now() - t0 };
}

export interface FirstScreen {
  /** performance.now() at the start of this call: time since navigation start. */
  sinceNavigationMs: number;
  createMs: number;
  listMs: number;
  /** Navigation start → first page of the list in hand. */
  firstScreenMs: number;
  total: number;
  shown: number;
  recoveredSessions: number;
  recoveryMs: number;
  /** Index rows the start-up reconcile added + removed (0 when files and index agree). */
  reconciled: number;
  persistMs: number;
}

/** As the app does at start-up: createPersistence() (recovery included), then the first list page. */
export async function firstScreen(pageSize: number): Promise<FirstScreen> {
  const sinceNavigationMs = performance.now();
  const client = await createAppClient();
  const created = performance.now();
  const page = await client.listSessions({ offset: 0, limit: pageSize });
  const listed = performance.now();
  const p0 = performance.now();
  await navigator.storage.persist();
  return {
    sinceNavigationMs,
    createMs: created - sinceNavigationMs,
    listMs: listed - created,
    firstScreenMs: listed,
    total: page.total,
    shown: page.sessions.length,
    recoveredSessions: client.recovery.recovered.length,
    recoveryMs: client.recovery.durationMs,
    reconciled: client.recovery.reconciled.added + client.recovery.reconciled.removed,
    persistMs: performance.now() - p0,
  };
}

export interface LongSessionRecord {
  sessionId: string;
  records: number;
  partials: number;
  wallMs: number;
  recordsPerSecond: number;
  longTasks: number;
  longTaskMaxMs: number;
  /** Long tasks overlapping the bench's own memory measurements (excluded from longTasks). */
  longTasksDuringMemoryProbe: number;
  /** Call → acknowledgement, ms. */
  ackP50Ms: number;
  ackP99Ms: number;
  ackMaxMs: number;
  memory: Array<{ atRecords: number; sample: MemorySample | null }>;
}

/**
 * Records an 8-hour-sized session through the facade, handing records over in chunks (as fast as the
 * worker acks them) and sampling memory as it grows. The session is left open: the driver crashes
 * the page next, as a browser crash would.
 */
export async function recordLongSession(
  partials: number,
  seed: number,
  memorySamples: number,
  recordsPerSecond: number,
): Promise<LongSessionRecord> {
  const client = await benchClient();
  const count = Math.round(partials * 1.125) + 2;
  const memory: LongSessionRecord['memory'] = [{ atRecords: 0, sample: await measureMemory() }];
  const tasks = longTaskRecorder();
  const t0 = performance.now();
  const meta = await client.startSession({ title: 'Eight-hour session', source: 'demo', lang: 'en' });
  // Handed over in small groups every 10 ms (compressed time, like a recogniser at recordsPerSecond),
  // so the page's own driving code never makes a long task: any long task is the facade's.
  const group = Math.max(1, Math.round(recordsPerSecond / 100));
  const chunk = 1_000;
  const sampleEvery = Math.ceil(count / memorySamples);
  let nextSample = sampleEvery;
  let sent = 0;
  let partialCount = 0;
  let utteranceBase = 0;
  const ackMs: number[] = [];
  const pending: Array<Promise<unknown>> = [];
  for (let s = 0; sent < count; s++) {
    // Generated per chunk so the page never holds the whole stream.
    const stream = benchStream(seed + s, Math.min(chunk, count - sent) + 2).slice(1, -1);
    let maxUtterance = 0;
    for (let i = 0; i < stream.length; i++) {
      if (i % group === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      const r = stream[i]!;
      const c0 = performance.now();
      let ack: Promise<unknown> | null = null;
      if (r.type === 'partial') {
        partialCount++;
        ack = client.appendPartial(meta.id, {
          utterance: utteranceBase + r.utterance,
          startMs: r.startMs,
          text: r.text,
        });
      } else if (r.type === 'final') {
        ack = client.appendFinal(meta.id, {
          utterance: utteranceBase + r.utterance,
          startMs: r.startMs,
          endMs: r.endMs,
          text: r.text,
          confidence: r.confidence,
        });
      }
      if (r.type === 'partial' || r.type === 'final') maxUtterance = Math.max(maxUtterance, r.utterance);
      if (ack) pending.push(ack.then(() => ackMs.push(performance.now() - c0)));
    }
    utteranceBase += maxUtterance + 1;
    sent += stream.length;
    if (pending.length > 20_000) await Promise.all(pending.splice(0));
    if (sent >= nextSample) {
      nextSample += sampleEvery;
      memory.push({ atRecords: sent, sample: await sampleMemory() });
    }
  }
  await Promise.all(pending);
  const wallMs = performance.now() - t0;
  const lt = await tasks.stop();
  memory.push({ atRecords: sent, sample: await measureMemory() });
  return {
    sessionId: meta.id,
    records: sent,
    partials: partialCount,
    wallMs,
    recordsPerSecond: (sent / wallMs) * 1000,
    longTasks: lt.count,
    longTaskMaxMs: lt.maxMs,
    longTasksDuringMemoryProbe: lt.duringMemoryProbe,
    ackP50Ms: quantile(ackMs, 0.5),
    ackP99Ms: quantile(ackMs, 0.99),
    ackMaxMs: quantile(ackMs, 1),
    memory,
  };
}

export interface LongSessionRecovery {
  first: FirstScreen;
  readMs: number;
  utterances: number;
  exportMs: number;
  exportUtterances: number;
  longTasks: number;
  longTaskMaxMs: number;
  memory: MemorySample | null;
}

/** After the crash: start-up recovery, then open the session and export it. */
export async function recoverLongSession(sessionId: string): Promise<LongSessionRecovery> {
  const tasks = longTaskRecorder();
  const first = await firstScreen(20);
  const readExport = await readAndExport(sessionId);
  const lt = await tasks.stop();
  return {
    first,
    ...readExport,
    longTasks: lt.count,
    longTaskMaxMs: lt.maxMs,
    memory: await measureMemory(),
  };
}

async function readAndExport(
  sessionId: string,
): Promise<{ readMs: number; utterances: number; exportMs: number; exportUtterances: number }> {
  const client = await benchClient();
  const r0 = performance.now();
  const transcript = await client.readSession(sessionId);
  const readMs = performance.now() - r0;
  const e0 = performance.now();
  const exported = await client.exportSessions([sessionId]);
  const exportMs = performance.now() - e0;
  return {
    readMs,
    utterances: transcript.utterances.length,
    exportMs,
    exportUtterances: exported.sessions[0]?.utterances.length ?? 0,
  };
}
