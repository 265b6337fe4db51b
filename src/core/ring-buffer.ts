/**
 * Bounded store of the active transcripts: the latest partial of each open utterance plus recent
 * finals, so the live view and a fast recovery never need the unbounded history (that is in the WAL
 * and the session files).
 *
 * A fixed array of `capacity` slots used as a circular buffer: append writes at the tail and, when
 * full, evicts the oldest entry at the head — O(1), no shifting. An optional byte bound evicts more
 * from the head until the entries fit. Per session, two maps point at the entries that matter, so
 * lookups are O(1) too.
 *
 * "Live" — the entries whose eviction is an overflow (reported through metrics.overflows and
 * onOverflow), because the ring would then no longer hold the current state of an utterance:
 * - a PARTIAL is live while it is the latest partial of its utterance and no final of that utterance
 *   is in the ring (the utterance is open);
 * - a FINAL is live while it is the latest final of its utterance (a later final — a recogniser
 *   correction — supersedes it);
 * - neither is live any more once release(sessionId, upToSeq) covered its seq: the writer calls it
 *   when that state is durable in the session's checkpoint file, after which entries age out
 *   normally. A writer that never releases sees an overflow whenever an unreleased final is
 *   evicted — which is true: the ring lost it (the WAL still has it).
 * Everything else (a partial followed by a later partial or a final of its utterance, a corrected
 * final, released entries) is superseded: evicted silently, only counted in metrics.evicted.
 *
 * Lookups trust the ring's own content only: once the final of an utterance has been evicted, a
 * stale partial of it appended later would count as open again. Writers append in seq order, so
 * this does not happen in practice.
 */

export interface RingEntry {
  sessionId: string;
  utterance: number;
  kind: 'partial' | 'final';
  /** The record's per-session sequence number. */
  seq: number;
  /** Wall-clock time, Unix ms. */
  at: number;
  startMs: number;
  endMs: number;
  text: string;
  confidence: number | null;
}

export interface RingOverflow {
  evicted: RingEntry;
  /** Which bound forced the eviction. */
  reason: 'capacity' | 'bytes';
}

export interface RingBufferOptions {
  /** Maximum number of entries (slots). */
  capacity: number;
  /** Maximum total of ringEntryBytes() over the entries; the newest entry is always kept. */
  maxBytes?: number;
  /** Called synchronously when a live entry is evicted. */
  onOverflow?: (overflow: RingOverflow) => void;
}

/** Fixed per-entry cost: utterance, seq, at, startMs, endMs, confidence and framing, roughly as stored. */
export const RING_ENTRY_OVERHEAD_BYTES = 48;

/** UTF-8 length of a JS string without allocating (surrogate pairs count 4, lone surrogates 3 like U+FFFD). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

/** The bytes an entry accounts for in the byte bound. */
export function ringEntryBytes(entry: RingEntry): number {
  return RING_ENTRY_OVERHEAD_BYTES + utf8Length(entry.sessionId) + utf8Length(entry.text);
}

interface SessionIndex {
  /** Latest partial of each utterance that has no final in the ring. */
  open: Map<number, RingEntry>;
  /** Latest final of each utterance in the ring. */
  finals: Map<number, RingEntry>;
  /** Entries with seq ≤ this are durable elsewhere (see release()). */
  releasedUpTo: number;
  /** Entries of this session in the ring; the index is dropped when it reaches 0. */
  count: number;
}

const byUtterance = (a: RingEntry, b: RingEntry) => a.utterance - b.utterance;

export class RingBuffer {
  readonly metrics = { appended: 0, evicted: 0, overflows: 0 };
  private readonly slots: Array<RingEntry | undefined>;
  private readonly sizes: Float64Array;
  private readonly maxBytes: number;
  private readonly onOverflow: ((overflow: RingOverflow) => void) | undefined;
  private head = 0;
  private count = 0;
  private totalBytes = 0;
  private readonly sessions = new Map<string, SessionIndex>();

  constructor(options: RingBufferOptions) {
    const { capacity, maxBytes = Number.POSITIVE_INFINITY } = options;
    if (!(Number.isInteger(capacity) && capacity >= 1)) {
      throw new RangeError(`RingBuffer: capacity must be an integer ≥ 1, got ${capacity}`);
    }
    if (!(maxBytes > 0)) throw new RangeError(`RingBuffer: maxBytes must be positive, got ${maxBytes}`);
    this.slots = new Array<RingEntry | undefined>(capacity).fill(undefined);
    this.sizes = new Float64Array(capacity);
    this.maxBytes = maxBytes;
    this.onOverflow = options.onOverflow;
  }

  get size(): number {
    return this.count;
  }

  get capacity(): number {
    return this.slots.length;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  append(entry: RingEntry): void {
    // Overflow callbacks run once the ring is consistent again, so a throwing listener cannot lose the entry.
    const overflows: RingOverflow[] = [];
    if (this.count === this.slots.length) this.evictOldest('capacity', overflows);
    const slot = (this.head + this.count) % this.slots.length;
    const bytes = ringEntryBytes(entry);
    this.slots[slot] = entry;
    this.sizes[slot] = bytes;
    this.count++;
    this.totalBytes += bytes;
    this.metrics.appended++;
    this.index(entry);
    while (this.totalBytes > this.maxBytes && this.count > 1) this.evictOldest('bytes', overflows);
    for (const overflow of overflows) {
      this.metrics.overflows++;
      this.onOverflow?.(overflow);
    }
  }

  latestPartial(sessionId: string, utterance: number): RingEntry | undefined {
    return this.sessions.get(sessionId)?.open.get(utterance);
  }

  /** The latest partial of each open utterance of the session, in utterance order. */
  openUtterances(sessionId: string): RingEntry[] {
    const index = this.sessions.get(sessionId);
    return index ? [...index.open.values()].sort(byUtterance) : [];
  }

  /** The latest final of each utterance still in the ring, the last `limit` by utterance order. */
  recentFinals(sessionId: string, limit = Number.POSITIVE_INFINITY): RingEntry[] {
    const index = this.sessions.get(sessionId);
    if (!index || limit <= 0) return [];
    const finals = [...index.finals.values()].sort(byUtterance);
    return finals.length > limit ? finals.slice(finals.length - limit) : finals;
  }

  /** All entries, oldest first. */
  entries(): RingEntry[] {
    const out: RingEntry[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.slots[(this.head + i) % this.slots.length]!);
    return out;
  }

  /**
   * The session's state up to `upToSeq` (default: all of it) is durable in its checkpoint/session
   * file: its entries up to there stop being live, so their eviction is no longer an overflow.
   */
  release(sessionId: string, upToSeq = Number.POSITIVE_INFINITY): void {
    const index = this.sessions.get(sessionId);
    if (index && upToSeq > index.releasedUpTo) index.releasedUpTo = upToSeq;
  }

  /**
   * Privacy delete: removes every entry of the session and its lookup maps, and compacts the ring so
   * no slot references the removed entries any more. O(capacity). Returns the number removed.
   */
  clearSession(sessionId: string): number {
    const capacity = this.slots.length;
    let kept = 0;
    let removed = 0;
    for (let i = 0; i < this.count; i++) {
      const from = (this.head + i) % capacity;
      const entry = this.slots[from]!;
      const bytes = this.sizes[from]!;
      if (entry.sessionId === sessionId) {
        removed++;
        this.totalBytes -= bytes;
        continue;
      }
      // Compact towards the head; the write position never overtakes the read position.
      const to = (this.head + kept) % capacity;
      this.slots[to] = entry;
      this.sizes[to] = bytes;
      kept++;
    }
    for (let i = kept; i < this.count; i++) {
      const slot = (this.head + i) % capacity;
      this.slots[slot] = undefined;
      this.sizes[slot] = 0;
    }
    this.count = kept;
    this.sessions.delete(sessionId);
    return removed;
  }

  private index(entry: RingEntry): void {
    let index = this.sessions.get(entry.sessionId);
    if (!index) {
      index = { open: new Map(), finals: new Map(), releasedUpTo: -1, count: 0 };
      this.sessions.set(entry.sessionId, index);
    }
    index.count++;
    const u = entry.utterance;
    if (entry.kind === 'final') {
      const current = index.finals.get(u);
      if (current === undefined || entry.seq >= current.seq) {
        index.finals.set(u, entry);
        index.open.delete(u);
      }
    } else if (!index.finals.has(u)) {
      const current = index.open.get(u);
      if (current === undefined || entry.seq >= current.seq) index.open.set(u, entry);
    }
  }

  private evictOldest(reason: RingOverflow['reason'], overflows: RingOverflow[]): void {
    const slot = this.head;
    const entry = this.slots[slot]!;
    this.totalBytes -= this.sizes[slot]!;
    this.slots[slot] = undefined;
    this.sizes[slot] = 0;
    this.head = (this.head + 1) % this.slots.length;
    this.count--;
    this.metrics.evicted++;

    const index = this.sessions.get(entry.sessionId)!;
    const map = entry.kind === 'final' ? index.finals : index.open;
    let live = false;
    if (map.get(entry.utterance) === entry) {
      map.delete(entry.utterance);
      live = entry.seq > index.releasedUpTo;
    }
    // Forget a session once none of its entries is left, so the index stays bounded by the ring.
    if (--index.count === 0) this.sessions.delete(entry.sessionId);
    if (live) overflows.push({ evicted: entry, reason });
  }
}
