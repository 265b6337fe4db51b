import { describe, expect, it } from 'vitest';
import { DEFAULT_FLUSH_POLICY, FlushPolicy } from '../src/core/flush-policy.ts';

/** A manual clock: tests move time explicitly. */
function fakeClock(start = 1_000_000) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}

function setup(options?: ConstructorParameters<typeof FlushPolicy>[1]) {
  const clock = fakeClock();
  const policy = new FlushPolicy(clock.now, options);
  return { clock, policy };
}

describe('FlushPolicy', () => {
  it('has the documented defaults', () => {
    expect(DEFAULT_FLUSH_POLICY).toEqual({ intervalMs: 250, everyPartials: 20, hiddenFlushMs: 10_000 });
    const { policy } = setup();
    expect(policy.options).toEqual(DEFAULT_FLUSH_POLICY);
    expect(policy.dirty).toBe(false);
    expect(policy.unflushedRecords).toBe(0);
    expect(policy.nextDeadline()).toBeNull();
  });

  it('rejects nonsensical options', () => {
    const clock = fakeClock();
    expect(() => new FlushPolicy(clock.now, { intervalMs: 0 })).toThrow(RangeError);
    expect(() => new FlushPolicy(clock.now, { everyPartials: 0 })).toThrow(RangeError);
    expect(() => new FlushPolicy(clock.now, { everyPartials: 2.5 })).toThrow(RangeError);
    expect(() => new FlushPolicy(clock.now, { hiddenFlushMs: -1 })).toThrow(RangeError);
    expect(() => new FlushPolicy(clock.now, { intervalMs: Number.NaN })).toThrow(RangeError);
  });

  describe('interval trigger', () => {
    it('fires 250 ms after the first unflushed write, not before', () => {
      const { clock, policy } = setup();
      expect(policy.onRecordWritten('partial')).toBeNull();
      expect(policy.dirty).toBe(true);
      expect(policy.nextDeadline()).toBe(clock.now() + 250);
      clock.advance(100);
      expect(policy.onRecordWritten('partial')).toBeNull();
      // The deadline counts from the first unflushed write, not the latest one.
      expect(policy.nextDeadline()).toBe(clock.now() + 150);
      clock.advance(149);
      expect(policy.onTick()).toBeNull();
      clock.advance(1);
      expect(policy.onTick()).toBe('interval');
    });

    it('never fires while clean', () => {
      const { clock, policy } = setup();
      clock.advance(10_000);
      expect(policy.onTick()).toBeNull();
      policy.onRecordWritten('partial');
      clock.advance(300);
      expect(policy.onTick()).toBe('interval');
      policy.markFlushed();
      clock.advance(10_000);
      expect(policy.onTick()).toBeNull();
      expect(policy.nextDeadline()).toBeNull();
    });

    it('a write after a missed deadline asks for the flush itself', () => {
      const { clock, policy } = setup();
      policy.onRecordWritten('partial');
      clock.advance(400); // the timer did not fire (busy worker)
      expect(policy.onRecordWritten('partial')).toBe('interval');
    });

    it('keeps asking while a flush has not been acknowledged (e.g. it failed)', () => {
      const { clock, policy } = setup();
      policy.onRecordWritten('partial');
      clock.advance(250);
      expect(policy.onTick()).toBe('interval');
      clock.advance(1);
      expect(policy.onTick()).toBe('interval');
      expect(policy.unflushedRecords).toBe(1);
    });
  });

  describe('every N partials', () => {
    it('fires on the Nth partial since the last flush', () => {
      const { policy } = setup({ everyPartials: 5 });
      for (let i = 1; i < 5; i++) expect(policy.onRecordWritten('partial')).toBeNull();
      expect(policy.onRecordWritten('partial')).toBe('partials');
      expect(policy.unflushedRecords).toBe(5);
      policy.markFlushed();
      for (let i = 1; i < 5; i++) expect(policy.onRecordWritten('partial')).toBeNull();
      expect(policy.onRecordWritten('partial')).toBe('partials');
    });

    it('uses 20 by default', () => {
      const { policy } = setup();
      const reasons = Array.from({ length: 20 }, () => policy.onRecordWritten('partial'));
      expect(reasons.slice(0, 19).every((r) => r === null)).toBe(true);
      expect(reasons[19]).toBe('partials');
    });

    it('counts partials only since the last flush, whatever caused it', () => {
      const { policy } = setup({ everyPartials: 3 });
      policy.onRecordWritten('partial');
      policy.onRecordWritten('partial');
      expect(policy.onRecordWritten('final')).toBe('final');
      policy.markFlushed();
      expect(policy.onRecordWritten('partial')).toBeNull();
      expect(policy.onRecordWritten('partial')).toBeNull();
      expect(policy.onRecordWritten('partial')).toBe('partials');
    });
  });

  it('flushes at once on a final', () => {
    const { policy } = setup();
    expect(policy.onRecordWritten('final')).toBe('final');
    expect(policy.dirty).toBe(true);
  });

  it('flushes at once on session stop', () => {
    const { policy } = setup();
    policy.onRecordWritten('partial');
    expect(policy.onRecordWritten('session-stop')).toBe('stop');
  });

  it.each(['session-start', 'checkpoint', 'session-delete'] as const)(
    'flushes control record %s at once',
    (type) => {
      const { policy } = setup();
      expect(policy.onRecordWritten(type)).toBe('control');
    },
  );

  describe('pagehide', () => {
    it('asks for a flush when dirty', () => {
      const { policy } = setup();
      policy.onRecordWritten('partial');
      expect(policy.onPageHide()).toBe('pagehide');
    });

    it('does nothing when clean', () => {
      const { policy } = setup();
      expect(policy.onPageHide()).toBeNull();
      policy.onRecordWritten('partial');
      policy.markFlushed();
      expect(policy.onPageHide()).toBeNull();
    });
  });

  describe('hidden tab', () => {
    // A long interval isolates the hidden trigger from the interval trigger.
    const opts = { intervalMs: 60_000 };

    it('flushes a dirty state once the tab has been hidden for 10 s', () => {
      const { clock, policy } = setup(opts);
      policy.onVisibilityChange(true);
      const hiddenAt = clock.now();
      clock.advance(9_000);
      expect(policy.onRecordWritten('partial')).toBeNull();
      expect(policy.nextDeadline()).toBe(hiddenAt + 10_000);
      clock.advance(999);
      expect(policy.onTick()).toBeNull();
      clock.advance(1);
      expect(policy.onTick()).toBe('hidden');
    });

    it('flushes every write at once while hidden ≥ 10 s, and stops doing so when visible again', () => {
      const { clock, policy } = setup(opts);
      policy.onVisibilityChange(true);
      clock.advance(10_000);
      expect(policy.onTick()).toBeNull(); // clean: nothing to flush
      expect(policy.onRecordWritten('partial')).toBe('hidden');
      policy.markFlushed();
      clock.advance(5);
      expect(policy.onRecordWritten('partial')).toBe('hidden');
      policy.markFlushed();
      policy.onVisibilityChange(false);
      expect(policy.onRecordWritten('partial')).toBeNull();
      expect(policy.nextDeadline()).toBe(clock.now() + 60_000);
    });

    it('measures the hidden time from the first hidden report, and restarts after visible', () => {
      const { clock, policy } = setup(opts);
      policy.onVisibilityChange(true);
      clock.advance(6_000);
      policy.onVisibilityChange(true); // repeated report does not restart the clock
      clock.advance(4_000);
      policy.onRecordWritten('partial');
      expect(policy.onTick()).toBe('hidden');
      policy.markFlushed();
      policy.onVisibilityChange(false);
      policy.onVisibilityChange(true);
      clock.advance(9_999);
      expect(policy.onRecordWritten('partial')).toBeNull();
      clock.advance(1);
      expect(policy.onTick()).toBe('hidden');
    });

    it('reports interval rather than hidden when both are due', () => {
      const { clock, policy } = setup();
      policy.onVisibilityChange(true);
      clock.advance(9_900);
      policy.onRecordWritten('partial');
      clock.advance(300);
      expect(policy.onTick()).toBe('interval');
    });
  });

  it('markFlushed resets counters and deadline', () => {
    const { clock, policy } = setup({ everyPartials: 3 });
    policy.onRecordWritten('partial');
    policy.onRecordWritten('partial');
    expect(policy.unflushedRecords).toBe(2);
    policy.markFlushed();
    expect(policy.dirty).toBe(false);
    expect(policy.unflushedRecords).toBe(0);
    expect(policy.nextDeadline()).toBeNull();
    clock.advance(1_000);
    // The partial counter restarted, and the interval now counts from this write.
    expect(policy.onRecordWritten('partial')).toBeNull();
    expect(policy.onRecordWritten('partial')).toBeNull();
    expect(policy.nextDeadline()).toBe(clock.now() + 250);
  });

  it('nextDeadline is the earlier of the interval and the hidden deadline', () => {
    const { clock, policy } = setup({ intervalMs: 5_000, hiddenFlushMs: 2_000 });
    policy.onVisibilityChange(true);
    const hiddenAt = clock.now();
    expect(policy.nextDeadline()).toBeNull(); // clean: no timer needed even while hidden
    clock.advance(500);
    policy.onRecordWritten('partial');
    expect(policy.nextDeadline()).toBe(hiddenAt + 2_000);
    policy.onVisibilityChange(false);
    expect(policy.nextDeadline()).toBe(hiddenAt + 500 + 5_000);
  });
});
