import type { Scheduler } from '../src/sources/source.ts';

/** A manual clock: timers fire only when the test advances time. */
export class FakeScheduler implements Scheduler {
  private time = 0;
  private nextId = 1;
  private timers = new Map<number, { at: number; callback: () => void }>();

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + Math.max(0, ms), callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  get pending(): number {
    return this.timers.size;
  }

  /** Advances the clock by `ms`, firing due timers in time order (including ones they schedule). */
  advance(ms: number): void {
    const until = this.time + ms;
    while (true) {
      let nextId = -1;
      let nextAt = Infinity;
      for (const [id, t] of this.timers) {
        if (t.at < nextAt || (t.at === nextAt && id < nextId)) {
          nextAt = t.at;
          nextId = id;
        }
      }
      if (nextId < 0 || nextAt > until) break;
      const timer = this.timers.get(nextId)!;
      this.timers.delete(nextId);
      this.time = timer.at;
      timer.callback();
    }
    this.time = until;
  }

  /** Runs every timer until none is left (bounded, so a runaway loop fails the test). */
  runAll(maxSteps = 100_000): void {
    for (let i = 0; i < maxSteps && this.timers.size > 0; i++) {
      const nextAt = Math.min(...[...this.timers.values()].map((t) => t.at));
      this.advance(nextAt - this.time);
    }
    if (this.timers.size > 0) throw new Error('FakeScheduler.runAll: timers still pending');
  }
}
