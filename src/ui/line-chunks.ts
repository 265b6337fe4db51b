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
 * `floor(utterance / 100)`, within [from, to). Unlike fixed positions, a group keeps its lines when a
 * line is inserted before it, so no line moves from one rendered chunk to another (a live region
 * would announce a moved line again). Items must be ordered by group (non-decreasing): each run's end
 * is found by binary search, so this costs O(runs × log n) per render, not O(n).
 */
export function runsBy<T>(
  items: readonly T[],
  groupOf: (item: T) => number,
  from = 0,
  to = items.length,
): Array<LineRange & { group: number }> {
  const runs: Array<LineRange & { group: number }> = [];
  let start = from;
  while (start < to) {
    const group = groupOf(items[start]!);
    // First index in (start, to) whose group is past `group`.
    let low = start + 1;
    let high = to;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (groupOf(items[mid]!) > group) high = mid;
      else low = mid + 1;
    }
    runs.push({ group, start, end: low });
    start = low;
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
