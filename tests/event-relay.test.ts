/**
 * The worker's event relay (src/worker/event-relay.ts): 'flushed' coalesced to the latest, at most one
 * per interval; every other event at once and in order.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PersistenceEvent } from '../src/shared/persistence-api.ts';
import { EventRelay } from '../src/worker/event-relay.ts';

const flushed = (at: number): PersistenceEvent => ({ type: 'flushed', at, latencyMs: 1, reason: 'final' });
const timers = {
  setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms),
  clearTimeout: (h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

afterEach(() => vi.useRealTimers());

describe('EventRelay', () => {
  it('sends the first flushed at once, then only the latest per interval', () => {
    vi.useFakeTimers();
    const sent: PersistenceEvent[] = [];
    const relay = new EventRelay((e) => sent.push(e), timers, 100);
    relay.push(flushed(1));
    expect(sent).toEqual([flushed(1)]);
    for (let at = 2; at <= 50; at++) relay.push(flushed(at));
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(100);
    expect(sent).toEqual([flushed(1), flushed(50)]);
    // Nothing held: the next window ends quietly, and a later flush goes out at once again.
    vi.advanceTimersByTime(100);
    expect(sent).toHaveLength(2);
    vi.advanceTimersByTime(1000);
    relay.push(flushed(60));
    expect(sent.at(-1)).toEqual(flushed(60));
  });

  it('sends every other event at once, after the flushed it held back', () => {
    vi.useFakeTimers();
    const sent: PersistenceEvent[] = [];
    const relay = new EventRelay((e) => sent.push(e), timers, 100);
    const error: PersistenceEvent = { type: 'error', error: { code: 'quota-exceeded', message: 'full' } };
    const cleared: PersistenceEvent = { type: 'error-cleared', code: 'quota-exceeded' };
    relay.push(flushed(1));
    relay.push(flushed(2));
    relay.push(error);
    relay.push(cleared);
    relay.push({ type: 'sessions-changed' });
    expect(sent).toEqual([flushed(1), flushed(2), error, cleared, { type: 'sessions-changed' }]);
    vi.advanceTimersByTime(500);
    expect(sent).toHaveLength(5);
  });

  it('close() sends a held flushed and stops the timer', () => {
    vi.useFakeTimers();
    const sent: PersistenceEvent[] = [];
    const relay = new EventRelay((e) => sent.push(e), timers, 100);
    relay.push(flushed(1));
    relay.push(flushed(2));
    relay.close();
    expect(sent).toEqual([flushed(1), flushed(2)]);
    expect(vi.getTimerCount()).toBe(0);
  });
});
