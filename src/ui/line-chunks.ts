/**
 * Fixed-size chunks of a long list of lines. The transcript views render a chunk as one memoised
 * component, so adding or changing a line re-renders (and re-diffs) only its chunk, not all of an
 * 8-hour transcript (~37,000 utterances). Pure: tested in Node.
 */

/** A half-open range of line indexes [start, end). */
export interface LineRange {
  start: number;
  end: number;
}

/** The chunks of `total` lines, `size` lines each (the last one may be shorter). */
export function chunkRanges(total: number, size: number): LineRange[] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`chunk size must be a positive integer`);
  const ranges: LineRange[] = [];
  for (let start = 0; start < total; start += size)
    ranges.push({ start, end: Math.min(total, start + size) });
  return ranges;
}

/**
 * Consecutive runs of items that share a group number, e.g. live lines grouped by
 * `floor(utterance / 100)`. Unlike fixed positions, a group keeps its lines when a line is inserted
 * before it, so no line moves from one rendered chunk to another (a live region would announce a
 * moved line again). Items must be ordered by group.
 */
export function runsBy<T>(
  items: readonly T[],
  groupOf: (item: T) => number,
): Array<LineRange & { group: number }> {
  const runs: Array<LineRange & { group: number }> = [];
  for (let i = 0; i < items.length; i++) {
    const group = groupOf(items[i]!);
    const last = runs.at(-1);
    if (last && last.group === group) last.end = i + 1;
    else runs.push({ group, start: i, end: i + 1 });
  }
  return runs;
}

/** Index of the chunk that holds line `index`. */
export function chunkOf(index: number, size: number): number {
  return Math.floor(index / size);
}

/**
 * True when `a` and `b` hold the very same items (by identity) in [start, end). The live transcript
 * model is immutable — a changed line is a new object — so this tells whether a chunk must re-render.
 */
export function sameItems<T>(a: readonly T[], b: readonly T[], start: number, end: number): boolean {
  if (a === b) return true;
  if (Math.min(a.length, end) !== Math.min(b.length, end)) return false;
  const stop = Math.min(a.length, end);
  for (let i = start; i < stop; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The window of chunks a long read-only transcript shows: chunks [first, last] (inclusive), so the
 * view can start anywhere (e.g. at an uncertain line near the end) and grow in both directions.
 */
export interface ChunkWindow {
  first: number;
  last: number;
}

export function initialWindow(chunks: number, startAt = 0): ChunkWindow {
  const at = Math.max(0, Math.min(startAt, chunks - 1));
  return { first: at, last: at };
}

/**
 * A window that shows line `line` with at least half a chunk of lines above it (when there are
 * any), so a line near the start of its chunk is not shown without what led to it.
 */
export function windowAround(line: number, chunks: number, size: number): ChunkWindow {
  const last = Math.max(0, Math.min(chunkOf(line, size), chunks - 1));
  return { first: Math.min(last, chunkOf(Math.max(0, line - Math.floor(size / 2)), size)), last };
}

/** One more chunk after the window, if there is one. */
export function growDown(window: ChunkWindow, chunks: number): ChunkWindow {
  return window.last + 1 < chunks ? { first: window.first, last: window.last + 1 } : window;
}

/** One more chunk before the window, if there is one. */
export function growUp(window: ChunkWindow): ChunkWindow {
  return window.first > 0 ? { first: window.first - 1, last: window.last } : window;
}

/** The line range a window covers. */
export function windowLines(window: ChunkWindow, total: number, size: number): LineRange {
  return { start: Math.min(total, window.first * size), end: Math.min(total, (window.last + 1) * size) };
}
