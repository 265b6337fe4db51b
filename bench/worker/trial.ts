/**
 * Runs one contender over one record stream with the shared flush cadence and times it.
 * Every store gets the same records in the same order; a record's cost includes the flush it
 * triggers (that is what the writer pays for it). Preparation (opening files, pre-encoding the raw
 * frames) happens before the clock starts.
 */
import type { WalRecord } from '../../src/core/records.ts';
import type { FlushCadence, PeerKind, TrialOptions, TrialResult } from '../shared/protocol.ts';

export interface RecordStore {
  /**
   * The store makes records durable on its own (a commit per record, or the engine's own flush
   * policy): the trial never calls flush() and reports no flush timings.
   */
  readonly durableByItself?: boolean;
  /** Stores record `index` of the stream (durably on arrival, or buffered, per the contender). */
  append(index: number): void | Promise<void>;
  /** Makes everything stored so far survive an OS crash (or commits the batch). */
  flush(): void | Promise<void>;
  /** Logical bytes stored. */
  bytes(): number | Promise<number>;
  /** Releases handles and, unless `keep`, deletes the contender's files. */
  dispose(keep: boolean): void | Promise<void>;
}

/** performance.now() granularity in this context, µs (coarsened to 5 µs or 100 µs by the browser). */
export function clockResolutionUs(): number {
  let smallest = Infinity;
  for (let i = 0; i < 50; i++) {
    const a = performance.now();
    let b = performance.now();
    while (b === a) b = performance.now();
    smallest = Math.min(smallest, b - a);
  }
  return Math.round(smallest * 1000 * 10) / 10;
}

function isFlushTrigger(record: WalRecord): boolean {
  return record.type !== 'partial';
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

export async function runTrial(
  kind: PeerKind,
  store: RecordStore,
  records: readonly WalRecord[],
  opts: TrialOptions,
): Promise<TrialResult> {
  const cadence: FlushCadence = opts.cadence;
  const perRecordUs = new Array<number>(records.length);
  const flushUs: number[] = [];
  let partialsSinceFlush = 0;
  let dirty = false;
  let lastFlushAt = performance.now();
  let flushing: Promise<void> | null = null;

  const doFlush = async (): Promise<void> => {
    const t = performance.now();
    const r = store.flush();
    if (r) await r;
    const end = performance.now();
    flushUs.push((end - t) * 1000);
    lastFlushAt = end;
    partialsSinceFlush = 0;
    dirty = false;
  };

  // Live-rate runs: the 250 ms timer flush fires between records, as it would in the app.
  let timer: ReturnType<typeof setInterval> | null = null;
  if (opts.ratePerSecond > 0) {
    timer = setInterval(() => {
      if (
        !store.durableByItself &&
        dirty &&
        !flushing &&
        performance.now() - lastFlushAt >= cadence.intervalMs
      ) {
        flushing = doFlush().finally(() => (flushing = null));
      }
    }, cadence.intervalMs / 5);
  }

  const interval = opts.ratePerSecond > 0 ? 1000 / opts.ratePerSecond : 0;
  const start = performance.now();
  for (let i = 0; i < records.length; i++) {
    if (interval > 0) {
      const due = start + i * interval;
      const now = performance.now();
      if (due > now) await sleep(due - now);
      if (flushing) await flushing;
    }
    const record = records[i]!;
    const t0 = performance.now();
    const r = store.append(i);
    if (r) await r;
    dirty = true;
    if (record.type === 'partial') partialsSinceFlush++;
    if (
      !store.durableByItself &&
      ((cadence.onFinal && isFlushTrigger(record)) ||
        partialsSinceFlush >= cadence.everyPartials ||
        (interval === 0 && t0 - lastFlushAt >= cadence.intervalMs))
    ) {
      await doFlush();
    }
    perRecordUs[i] = (performance.now() - t0) * 1000;
  }
  if (dirty && !store.durableByItself) await doFlush();
  const totalMs = performance.now() - start;
  if (timer !== null) clearInterval(timer);
  const bytes = await store.bytes();
  return {
    kind,
    records: records.length,
    totalMs,
    perRecordUs,
    flushUs,
    bytes,
    clockResolutionUs: clockResolutionUs(),
  };
}
