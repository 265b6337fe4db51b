/**
 * When the WAL writer closes its current segment and starts the next one (DESIGN.md §2: 10 MB or
 * 15 min per segment). Bounded segments keep recovery cheap (a whole segment is read into memory
 * and replayed in ≤ 100 ms) and let fully checkpointed segments be deleted, so the WAL does not grow
 * without bound during a long session.
 *
 * Pure: the clock is injected (ms). The writer asks shouldRotate() before each append and may set
 * a timer for nextDeadline() so an idle, old segment is rotated too.
 */

export interface RotationPolicyOptions {
  /** A segment never grows past this many bytes (unless a single record is larger). */
  maxBytes: number;
  /** A non-empty segment older than this is rotated before the next append, ms. */
  maxAgeMs: number;
}

export const DEFAULT_ROTATION_POLICY: RotationPolicyOptions = Object.freeze({
  maxBytes: 10 * 1024 * 1024,
  maxAgeMs: 15 * 60 * 1000,
});

export type RotationReason = 'size' | 'age';

export class RotationPolicy {
  readonly options: Readonly<RotationPolicyOptions>;
  private readonly clock: () => number;

  constructor(clock: () => number, options?: Partial<RotationPolicyOptions>) {
    const merged = { ...DEFAULT_ROTATION_POLICY, ...options };
    if (!(Number.isFinite(merged.maxBytes) && merged.maxBytes > 0)) {
      throw new RangeError(`RotationPolicy: maxBytes must be a positive number, got ${merged.maxBytes}`);
    }
    if (!(Number.isFinite(merged.maxAgeMs) && merged.maxAgeMs > 0)) {
      throw new RangeError(`RotationPolicy: maxAgeMs must be a positive number, got ${merged.maxAgeMs}`);
    }
    this.clock = clock;
    this.options = Object.freeze(merged);
  }

  /**
   * Before appending `nextRecordBytes` to a segment of `bytes` opened at `openedAt`: should the
   * writer start a new segment first? An empty segment is never rotated — a record larger than
   * maxBytes must still go somewhere, and rotating an empty segment for age would only create
   * empty files. Call with nextRecordBytes = 0 from an age timer.
   */
  shouldRotate(segment: { bytes: number; openedAt: number }, nextRecordBytes: number): RotationReason | null {
    if (segment.bytes <= 0) return null;
    if (segment.bytes + nextRecordBytes > this.options.maxBytes) return 'size';
    if (this.clock() - segment.openedAt >= this.options.maxAgeMs) return 'age';
    return null;
  }

  /** Clock time at which the segment reaches its age limit. */
  nextDeadline(segment: { openedAt: number }): number {
    return segment.openedAt + this.options.maxAgeMs;
  }
}
