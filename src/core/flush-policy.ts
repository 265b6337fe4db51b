/**
 * When the WAL writer must call flush() (fsync) on its segment.
 *
 * Every record is write()n on arrival, which already survives a renderer crash or a killed tab; only
 * flush() makes it survive an OS crash or power loss. flush() is expensive (milliseconds), so it is
 * batched, and this state machine decides when a batch is due. It is pure: the clock is injected
 * (milliseconds, any origin) and the caller owns the timer — it asks nextDeadline(), sets a timer
 * for that time and calls onTick() when it fires.
 *
 * Triggers (DESIGN.md §2):
 * - 'interval'  — dirty and intervalMs (250 ms) have passed since the first unflushed write;
 * - 'partials'  — everyPartials (N) partials written since the last flush;
 * - 'final'     — a FINAL was written (a finished utterance is the unit a user notices losing);
 * - 'stop'      — SESSION_STOP was written;
 * - 'control'   — SESSION_START, CHECKPOINT or SESSION_DELETE was written: these change what
 *                 recovery does with other files (a checkpoint lets segments be deleted, a delete
 *                 must not come back after a power loss), so they are made durable at once;
 * - 'pagehide'  — the page is going away (graceful close, bfcache) while dirty;
 * - 'hidden'    — the tab has been hidden for hiddenFlushMs (10 s) or longer while dirty. A
 *                 long-hidden tab is what browsers throttle, freeze or discard first, and a frozen
 *                 worker fires no timers, so from then on nothing waits for the interval: every
 *                 write is flushed at once until the tab is visible again;
 * - 'explicit'  — reserved for callers that flush on request (e.g. before an export); the policy
 *                 never returns it itself.
 *
 * The policy does not reset itself when it returns a reason: the caller flushes and then calls
 * markFlushed(). If the flush fails (disk full), the state stays dirty and the next write or tick
 * asks again.
 */
import type { WalRecordType } from './records.ts';

export type FlushReason =
  'interval' | 'partials' | 'final' | 'stop' | 'pagehide' | 'hidden' | 'control' | 'explicit';

export interface FlushPolicyOptions {
  /** Longest time a written record may stay unflushed while the timer runs, ms. */
  intervalMs: number;
  /** Flush after this many partials since the last flush. */
  everyPartials: number;
  /** After the tab has been hidden this long, ms, every write is flushed at once. */
  hiddenFlushMs: number;
}

export const DEFAULT_FLUSH_POLICY: FlushPolicyOptions = Object.freeze({
  intervalMs: 250,
  everyPartials: 20,
  hiddenFlushMs: 10_000,
});

function validate(options: FlushPolicyOptions): FlushPolicyOptions {
  if (!(Number.isFinite(options.intervalMs) && options.intervalMs > 0)) {
    throw new RangeError(`FlushPolicy: intervalMs must be a positive number, got ${options.intervalMs}`);
  }
  if (!(Number.isInteger(options.everyPartials) && options.everyPartials >= 1)) {
    throw new RangeError(`FlushPolicy: everyPartials must be an integer ≥ 1, got ${options.everyPartials}`);
  }
  if (!(Number.isFinite(options.hiddenFlushMs) && options.hiddenFlushMs >= 0)) {
    throw new RangeError(`FlushPolicy: hiddenFlushMs must be a number ≥ 0, got ${options.hiddenFlushMs}`);
  }
  return options;
}

export class FlushPolicy {
  readonly options: Readonly<FlushPolicyOptions>;
  private readonly clock: () => number;
  private unflushed = 0;
  private partialsSinceFlush = 0;
  /** Clock time of the first write since the last flush; null when clean. */
  private firstUnflushedAt: number | null = null;
  /** Clock time the tab became hidden; null while visible. */
  private hiddenSince: number | null = null;

  constructor(clock: () => number, options?: Partial<FlushPolicyOptions>) {
    this.clock = clock;
    this.options = Object.freeze(validate({ ...DEFAULT_FLUSH_POLICY, ...options }));
  }

  get dirty(): boolean {
    return this.unflushed > 0;
  }

  get unflushedRecords(): number {
    return this.unflushed;
  }

  /** True while the tab is hidden (as last reported by onVisibilityChange). */
  get hidden(): boolean {
    return this.hiddenSince !== null;
  }

  /** Call after each record's write() returned. A non-null result means: flush now. */
  onRecordWritten(type: WalRecordType): FlushReason | null {
    const now = this.clock();
    if (this.unflushed === 0) this.firstUnflushedAt = now;
    this.unflushed++;
    switch (type) {
      case 'final':
        return 'final';
      case 'session-stop':
        return 'stop';
      case 'session-start':
      case 'checkpoint':
      case 'session-delete':
        return 'control';
      case 'partial':
        this.partialsSinceFlush++;
        if (this.partialsSinceFlush >= this.options.everyPartials) return 'partials';
        break;
    }
    // The timer may be late (a busy or throttled worker): a write past a deadline flushes at once.
    return this.dueReason(now);
  }

  /** The page is being hidden for good or put into the bfcache: flush whatever is pending. */
  onPageHide(): FlushReason | null {
    return this.dirty ? 'pagehide' : null;
  }

  onVisibilityChange(hidden: boolean): void {
    if (!hidden) this.hiddenSince = null;
    else if (this.hiddenSince === null) this.hiddenSince = this.clock();
  }

  /** Timer callback: flush if a time-based trigger is due. */
  onTick(): FlushReason | null {
    return this.dirty ? this.dueReason(this.clock()) : null;
  }

  /**
   * Absolute clock time at which onTick() should be called next, or null when nothing is pending.
   * May lie in the past (a deadline was missed): the caller should then tick at once.
   */
  nextDeadline(): number | null {
    if (this.firstUnflushedAt === null) return null;
    let deadline = this.firstUnflushedAt + this.options.intervalMs;
    if (this.hiddenSince !== null)
      deadline = Math.min(deadline, this.hiddenSince + this.options.hiddenFlushMs);
    return deadline;
  }

  /** The caller's flush() succeeded: everything written so far is durable. */
  markFlushed(): void {
    this.unflushed = 0;
    this.partialsSinceFlush = 0;
    this.firstUnflushedAt = null;
  }

  /** 'interval' wins over 'hidden' when both are due: the flush would have happened anyway. */
  private dueReason(now: number): FlushReason | null {
    if (this.firstUnflushedAt !== null && now - this.firstUnflushedAt >= this.options.intervalMs)
      return 'interval';
    if (this.hiddenSince !== null && now - this.hiddenSince >= this.options.hiddenFlushMs) return 'hidden';
    return null;
  }
}
