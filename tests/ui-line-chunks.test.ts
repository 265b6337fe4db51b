import { describe, expect, it } from 'vitest';
import { mulberry32 } from './helpers/sample-records.ts';
import {
  chunkOf,
  chunkRanges,
  growDown,
  growUp,
  initialWindow,
  runsBy,
  sameItems,
  windowAround,
  windowLines,
} from '../src/ui/line-chunks.ts';

describe('chunkRanges', () => {
  it('covers every line once, in order, the last chunk shorter', () => {
    expect(chunkRanges(0, 100)).toEqual([]);
    expect(chunkRanges(5, 2)).toEqual([
      { start: 0, end: 2 },
      { start: 2, end: 4 },
      { start: 4, end: 5 },
    ]);
    expect(chunkRanges(200, 100)).toEqual([
      { start: 0, end: 100 },
      { start: 100, end: 200 },
    ]);
    const ranges = chunkRanges(37_000, 200);
    expect(ranges).toHaveLength(185);
    expect(ranges.at(-1)).toEqual({ start: 36_800, end: 37_000 });
  });

  it('refuses a size that would loop forever', () => {
    expect(() => chunkRanges(10, 0)).toThrow(RangeError);
    expect(() => chunkRanges(10, 1.5)).toThrow(RangeError);
  });

  it('finds the chunk of a line', () => {
    expect(chunkOf(0, 200)).toBe(0);
    expect(chunkOf(199, 200)).toBe(0);
    expect(chunkOf(200, 200)).toBe(1);
    expect(chunkOf(36_999, 200)).toBe(184);
  });
});

describe('sameItems', () => {
  const a = { n: 1 };
  const b = { n: 2 };
  const c = { n: 3 };
  it('compares by identity inside the range only', () => {
    const before = [a, b, c];
    const changed = [a, { n: 2 }, c]; // equal value, new object: a changed line
    expect(sameItems(before, before.slice(), 0, 3)).toBe(true);
    expect(sameItems(before, changed, 0, 1)).toBe(true);
    expect(sameItems(before, changed, 0, 2)).toBe(false);
    expect(sameItems(before, changed, 2, 3)).toBe(true);
  });

  it('sees a line added to the range, not one added after it', () => {
    const before = [a, b];
    expect(sameItems(before, [a, b, c], 0, 2)).toBe(true);
    expect(sameItems(before, [a, b, c], 0, 4)).toBe(false);
    expect(sameItems([a, b, c], before, 2, 4)).toBe(false);
  });
});

describe('chunk window', () => {
  it('starts at the first chunk or at the one asked for, clamped', () => {
    expect(initialWindow(10)).toEqual({ first: 0, last: 0 });
    expect(initialWindow(10, 7)).toEqual({ first: 7, last: 7 });
    expect(initialWindow(10, 99)).toEqual({ first: 9, last: 9 });
    expect(initialWindow(10, -3)).toEqual({ first: 0, last: 0 });
  });

  it('grows one chunk at a time in either direction and stops at the ends', () => {
    let w = initialWindow(3, 1);
    w = growDown(w, 3);
    expect(w).toEqual({ first: 1, last: 2 });
    const atEnd = growDown(w, 3);
    expect(atEnd).toBe(w);
    w = growUp(w);
    expect(w).toEqual({ first: 0, last: 2 });
    expect(growUp(w)).toBe(w);
  });

  it('maps a window to its lines, the last chunk cut at the total', () => {
    expect(windowLines({ first: 0, last: 0 }, 450, 200)).toEqual({ start: 0, end: 200 });
    expect(windowLines({ first: 1, last: 2 }, 450, 200)).toEqual({ start: 200, end: 450 });
    expect(windowLines({ first: 0, last: 0 }, 0, 200)).toEqual({ start: 0, end: 0 });
  });
});

describe('runsBy', () => {
  const groupOf = (utterance: number) => Math.floor(utterance / 100);
  it('groups consecutive items by their group number', () => {
    expect(runsBy([], groupOf)).toEqual([]);
    expect(runsBy([0, 1, 99, 100, 250, 251], groupOf)).toEqual([
      { group: 0, start: 0, end: 3 },
      { group: 1, start: 3, end: 4 },
      { group: 2, start: 4, end: 6 },
    ]);
  });

  it('finds the same runs as a linear scan, also inside a sub-range', () => {
    const random = mulberry32(42);
    for (let round = 0; round < 200; round++) {
      const items: number[] = [];
      let value = Math.floor(random() * 50);
      const length = Math.floor(random() * 400);
      for (let i = 0; i < length; i++) {
        value += random() < 0.3 ? Math.floor(random() * 120) : 0;
        items.push(value);
      }
      const from = Math.floor(random() * (length + 1));
      const to = from + Math.floor(random() * (length - from + 1));
      const linear: Array<{ group: number; start: number; end: number }> = [];
      for (let i = from; i < to; i++) {
        const group = groupOf(items[i]!);
        const last = linear[linear.length - 1];
        if (last && last.group === group) last.end = i + 1;
        else linear.push({ group, start: i, end: i + 1 });
      }
      expect(runsBy(items, groupOf, from, to)).toEqual(linear);
    }
  });

  it('keeps later groups whole when a line is inserted before them', () => {
    const before = runsBy([5, 7, 150, 151], groupOf);
    const after = runsBy([5, 6, 7, 150, 151], groupOf);
    expect(after.map((r) => r.group)).toEqual(before.map((r) => r.group));
    expect(after[1]!.end - after[1]!.start).toBe(before[1]!.end - before[1]!.start);
  });
});

describe('windowAround', () => {
  it('shows the line with at least half a chunk above it', () => {
    // Line 1000 of 1001 lines is alone in chunk 5: chunk 4 comes with it.
    expect(windowAround(1000, 6, 200)).toEqual({ first: 4, last: 5 });
    // Deep inside its chunk: that chunk alone.
    expect(windowAround(1150, 6, 200)).toEqual({ first: 5, last: 5 });
    expect(windowAround(5, 6, 200)).toEqual({ first: 0, last: 0 });
    expect(windowAround(99_999, 6, 200)).toEqual({ first: 5, last: 5 });
  });
});
