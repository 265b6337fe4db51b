import { describe, expect, it } from 'vitest';
import { DEFAULT_ROTATION_POLICY, RotationPolicy } from '../src/core/rotation-policy.ts';

const MiB = 1024 * 1024;

function setup(options?: ConstructorParameters<typeof RotationPolicy>[1]) {
  let now = 5_000_000;
  const clock = {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
  return { clock, policy: new RotationPolicy(clock.now, options) };
}

describe('RotationPolicy', () => {
  it('defaults to 10 MiB and 15 minutes', () => {
    expect(DEFAULT_ROTATION_POLICY).toEqual({ maxBytes: 10 * MiB, maxAgeMs: 15 * 60_000 });
  });

  it('rejects nonsensical options', () => {
    expect(() => new RotationPolicy(() => 0, { maxBytes: 0 })).toThrow(RangeError);
    expect(() => new RotationPolicy(() => 0, { maxAgeMs: -5 })).toThrow(RangeError);
    expect(() => new RotationPolicy(() => 0, { maxBytes: Number.POSITIVE_INFINITY })).toThrow(RangeError);
  });

  describe('size', () => {
    it('rotates exactly when the next record would cross 10 MiB', () => {
      const { clock, policy } = setup();
      const segment = { bytes: 10 * MiB - 100, openedAt: clock.now() };
      expect(policy.shouldRotate(segment, 100)).toBeNull(); // lands exactly on the limit
      expect(policy.shouldRotate(segment, 101)).toBe('size');
      expect(policy.shouldRotate({ ...segment, bytes: 10 * MiB }, 1)).toBe('size');
    });

    it('honours a custom limit', () => {
      const { clock, policy } = setup({ maxBytes: 1000 });
      expect(policy.shouldRotate({ bytes: 900, openedAt: clock.now() }, 100)).toBeNull();
      expect(policy.shouldRotate({ bytes: 901, openedAt: clock.now() }, 100)).toBe('size');
    });
  });

  describe('age', () => {
    it('rotates a non-empty segment once it is 15 minutes old', () => {
      const { clock, policy } = setup();
      const segment = { bytes: 42, openedAt: clock.now() };
      expect(policy.nextDeadline(segment)).toBe(segment.openedAt + 15 * 60_000);
      clock.advance(15 * 60_000 - 1);
      expect(policy.shouldRotate(segment, 10)).toBeNull();
      clock.advance(1);
      expect(policy.shouldRotate(segment, 10)).toBe('age');
      expect(policy.shouldRotate(segment, 0)).toBe('age'); // from an age timer
    });

    it('prefers size when both limits are hit', () => {
      const { clock, policy } = setup({ maxBytes: 100 });
      const segment = { bytes: 90, openedAt: clock.now() };
      clock.advance(16 * 60_000);
      expect(policy.shouldRotate(segment, 20)).toBe('size');
    });
  });

  describe('empty segment', () => {
    it('is never rotated for size, even for a record larger than the limit', () => {
      const { clock, policy } = setup({ maxBytes: 1000 });
      expect(policy.shouldRotate({ bytes: 0, openedAt: clock.now() }, 5000)).toBeNull();
    });

    it('is never rotated for age', () => {
      const { clock, policy } = setup();
      const segment = { bytes: 0, openedAt: clock.now() };
      clock.advance(60 * 60_000);
      expect(policy.shouldRotate(segment, 10)).toBeNull();
    });

    it('a huge record in its own segment forces rotation before the next one', () => {
      const { clock, policy } = setup({ maxBytes: 1000 });
      expect(policy.shouldRotate({ bytes: 5000, openedAt: clock.now() }, 1)).toBe('size');
    });
  });
});
