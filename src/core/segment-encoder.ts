/**
 * Stateful frame encoder for one WAL segment: writes a PARTIAL whose text extends the previous
 * partial of the same utterance as a PARTIAL_DELTA ("keep prefixBytes of partial #baseSeq, then this
 * suffix"), every other record as its ordinary self-contained frame.
 *
 * Why: partials of a growing utterance repeat the text before them, and text dominates the WAL
 * (full-text frames are ≈ 0.62 of the same records as JSON lines; with deltas ≈ 0.3, see
 * docs/WAL-FORMAT.md, "Size").
 *
 * Price, bounded on purpose: a delta is readable only with its base, so a damaged partial also
 * loses the later deltas chained on it. Every KEYFRAME_INTERVAL-th partial of an utterance's chain is
 * written in full (a keyframe), so a damaged frame takes at most KEYFRAME_INTERVAL − 1 later partials
 * of its own utterance with it; finals are always full text and never a base.
 *
 * One encoder = one segment: its state must match what readSegment will hold at the same point of
 * the same segment (see PartialTexts in framing.ts). A new segment needs a fresh encoder (or reset());
 * frames written into the segment by anyone else must be shown to observe().
 */
import { ByteReader, ByteWriter, PayloadError } from './bytes.ts';
import { encodePartialDeltaPayload, encodePartialPayload, encodePayload } from './codec.ts';
import {
  FRAME_HEADER_BYTES,
  MAGIC_BYTE_0,
  MAGIC_BYTE_1,
  PartialTexts,
  beginFrame,
  finishFrame,
  isCodePointBoundary,
} from './framing.ts';
import { RecordTypeCode, type PartialRecord, type WalRecord } from './records.ts';

/** A chain is a full-text partial plus at most KEYFRAME_INTERVAL − 1 deltas after it. */
export const KEYFRAME_INTERVAL = 8;
/**
 * A delta costs 2–4 bytes more than a full frame's fields (base gap, prefix length); below this
 * shared prefix it is not worth breaking self-containment for.
 */
export const MIN_DELTA_PREFIX_BYTES = 16;

export interface SegmentEncoderOptions {
  /** Partials per chain, keyframe included (≥ 1; 1 writes no deltas at all). Default KEYFRAME_INTERVAL. */
  keyframeInterval?: number;
  /** Smallest shared prefix written as a delta (≥ 1). Default MIN_DELTA_PREFIX_BYTES. */
  minPrefixBytes?: number;
}

interface ChainLink {
  seq: number;
  /** UTF-8 bytes of the partial's text (what the next partial's shared prefix is measured on). */
  text: Uint8Array;
  /** Partials in the chain so far, this one included: 1 for a keyframe. */
  chainLength: number;
}

const utf8Encoder = new TextEncoder();
const RETAINED_WRITER_BYTES = 1024 * 1024;

/** Length of the common prefix of `a` and `b`, cut back to a code point boundary. */
function sharedPrefix(a: Uint8Array, b: Uint8Array): number {
  const limit = Math.min(a.length, b.length);
  let n = 0;
  while (n < limit && a[n] === b[n]) n++;
  // Equal bytes up to n, so a code point cut in b is cut in a too: back up to its lead byte.
  while (n > 0 && !isCodePointBoundary(b, n)) n--;
  return n;
}

export class SegmentEncoder {
  private readonly chains = new PartialTexts<ChainLink>();
  private writer = new ByteWriter(4096);
  private readonly keyframeInterval: number;
  private readonly minPrefixBytes: number;
  private readonly observeReader = new ByteReader();

  constructor(options: SegmentEncoderOptions = {}) {
    this.keyframeInterval = options.keyframeInterval ?? KEYFRAME_INTERVAL;
    this.minPrefixBytes = options.minPrefixBytes ?? MIN_DELTA_PREFIX_BYTES;
    if (!Number.isSafeInteger(this.keyframeInterval) || this.keyframeInterval < 1) {
      throw new RangeError(`keyframeInterval must be an integer ≥ 1, got ${this.keyframeInterval}`);
    }
    if (!Number.isSafeInteger(this.minPrefixBytes) || this.minPrefixBytes < 1) {
      throw new RangeError(`minPrefixBytes must be an integer ≥ 1, got ${this.minPrefixBytes}`);
    }
  }

  /** The frame of `record` as the next frame of this segment (a fresh copy). Throws RangeError like encodeFrame. */
  encode(record: WalRecord): Uint8Array {
    return this.encodeTransient(record).slice();
  }

  /**
   * Like encode, but a view into a buffer the next call reuses: hand it straight to a write().
   * The state moves on as if the frame were written; if the write fails, call forget(record).
   */
  encodeTransient(record: WalRecord): Uint8Array {
    const writer = this.writer;
    writer.reset();
    const start = beginFrame(writer);
    if (record.type === 'partial') {
      this.writePartial(writer, record, start);
    } else {
      finishFrame(writer, start, encodePayload(writer, record));
      // Only after a successful encode: a refused record changes nothing.
      if (record.type === 'final') this.chains.dropUtterance(record.sessionId, record.utterance);
      else if (record.type === 'session-stop' || record.type === 'session-delete') {
        this.chains.dropSession(record.sessionId);
      }
    }
    const view = writer.buf.subarray(0, writer.pos);
    if (writer.buf.length > RETAINED_WRITER_BYTES) this.writer = new ByteWriter(4096);
    return view;
  }

  private writePartial(writer: ByteWriter, record: PartialRecord, start: number): void {
    const text = utf8Encoder.encode(record.text);
    const base = this.chains.get(record.sessionId, record.utterance);
    // seq must grow for the base reference (stored as seq − baseSeq ≥ 1) to name an earlier frame.
    const prefix =
      base !== undefined && base.chainLength < this.keyframeInterval && base.seq < record.seq
        ? sharedPrefix(base.text, text)
        : 0;
    let chainLength = 1;
    if (base !== undefined && prefix >= this.minPrefixBytes) {
      encodePartialDeltaPayload(writer, record, base.seq, prefix, text.subarray(prefix));
      finishFrame(writer, start, RecordTypeCode.PARTIAL_DELTA);
      chainLength = base.chainLength + 1;
    } else {
      encodePartialPayload(writer, record, text);
      finishFrame(writer, start, RecordTypeCode.PARTIAL);
    }
    this.chains.set(record.sessionId, record.utterance, { seq: record.seq, text, chainLength });
  }

  /**
   * `record`'s frame did not reach the segment (its write failed and was rolled back): forget what
   * encoding it taught, so no later delta refers to it. The utterance's next partial is a keyframe.
   */
  forget(record: WalRecord): void {
    if (record.type === 'partial') this.chains.dropUtterance(record.sessionId, record.utterance);
  }

  /**
   * Frames someone else wrote into this segment (SegmentWriter.appendEncoded): the reader will apply
   * them to its partial texts, so the encoder drops what they touch (an utterance's next partial is
   * then written in full, which the reader can always read). Anything it cannot parse drops all state.
   */
  observe(frames: Uint8Array): void {
    const reader = this.observeReader;
    let pos = 0;
    try {
      while (pos < frames.length) {
        if (pos + FRAME_HEADER_BYTES > frames.length) throw new PayloadError('incomplete frame');
        if (frames[pos] !== MAGIC_BYTE_0 || frames[pos + 1] !== MAGIC_BYTE_1)
          throw new PayloadError('no magic');
        const length =
          (frames[pos + 8] | (frames[pos + 9] << 8) | (frames[pos + 10] << 16) | (frames[pos + 11] << 24)) >>>
          0;
        const end = pos + FRAME_HEADER_BYTES + length;
        if (end > frames.length) throw new PayloadError('frame runs past the buffer');
        const code = frames[pos + 7];
        reader.reset(frames, pos + FRAME_HEADER_BYTES, end);
        const sessionId = reader.internedString();
        switch (code) {
          case RecordTypeCode.PARTIAL:
          case RecordTypeCode.PARTIAL_DELTA:
          case RecordTypeCode.FINAL:
            reader.varint(); // seq
            reader.varint(); // at
            this.chains.dropUtterance(sessionId, reader.varint());
            break;
          case RecordTypeCode.SESSION_STOP:
          case RecordTypeCode.SESSION_DELETE:
            this.chains.dropSession(sessionId);
            break;
          case RecordTypeCode.SESSION_START:
          case RecordTypeCode.CHECKPOINT:
            break;
          default:
            throw new PayloadError(`type ${code}`);
        }
        pos = end;
      }
    } catch (error) {
      if (!(error instanceof PayloadError)) throw error;
      this.reset();
    }
  }

  /** Forgets all state: the next frames are as for a new segment. */
  reset(): void {
    this.chains.clear();
  }

  /** Utterances whose last partial this encoder keeps (memory is bounded by these). */
  get openUtterances(): number {
    return this.chains.size;
  }
}
