/**
 * Partial records whose text is decoded only when read, for readSegmentLazyText (framing.ts).
 *
 * Recovery keeps just the latest partial of each open utterance; every earlier partial's text is
 * superseded (a PARTIAL_DELTA's base always has a smaller seq). Decoding all of them was a large part
 * of reading a 10 MB segment (a TextDecoder call and a string per record, and the GC of ~10 MB of
 * retained strings). A LazyPartialRecord remembers where its text's UTF-8 bytes are instead: a range
 * of the segment for a full PARTIAL, or its base record plus a suffix range for a delta (a
 * persistent chain: the reader's rebuild buffer is overwritten by the next delta). The reader
 * validates every text as UTF-8 while reading, exactly as the eager reader does, so reading a text
 * later cannot fail.
 */
import { decodeUtf8Strict, isUtf8, PayloadError } from './bytes.ts';
import type { PartialRecord } from './records.ts';

/** The fields of a partial other than its text, as the reader decodes them into one reused object. */
export interface LazyPartialFields {
  sessionId: string;
  seq: number;
  at: number;
  utterance: number;
  startMs: number;
}

/**
 * A partial record whose `text` is decoded on first read, then kept. `text` is an accessor on the
 * prototype (an own accessor costs closures per record, which made reading slower than decoding
 * eagerly): it reads and assigns like a field, but spreading and Object.keys do not see it, so copy
 * it explicitly. Where the bytes are is held in private fields, invisible to spreading, JSON and
 * structured clone (which must never copy the segment).
 */
export class LazyPartialRecord implements PartialRecord {
  readonly type: 'partial';
  readonly sessionId: string;
  readonly seq: number;
  readonly at: number;
  readonly utterance: number;
  readonly startMs: number;
  readonly #segment: Uint8Array;
  /** null when the whole text is segment[start, end); else the base whose first prefixBytes bytes come first. */
  readonly #base: LazyPartialRecord | null;
  readonly #prefixBytes: number;
  /** The stored bytes (the whole text, or a delta's suffix) are segment[start, end). */
  readonly #start: number;
  readonly #end: number;
  #decoded: string | undefined;

  constructor(
    fields: LazyPartialFields,
    segment: Uint8Array,
    base: LazyPartialRecord | null,
    prefixBytes: number,
    start: number,
    end: number,
  ) {
    this.type = 'partial';
    this.sessionId = fields.sessionId;
    this.seq = fields.seq;
    this.at = fields.at;
    this.utterance = fields.utterance;
    this.startMs = fields.startMs;
    this.#segment = segment;
    this.#base = base;
    this.#prefixBytes = prefixBytes;
    this.#start = start;
    this.#end = end;
    this.#decoded = undefined;
  }

  get text(): string {
    if (this.#decoded === undefined) this.#decoded = decodeUtf8Strict(this.#textBytes());
    return this.#decoded;
  }

  set text(value: string) {
    this.#decoded = value;
  }

  /** The UTF-8 bytes of the text, gathered back along the chain of bases. */
  #textBytes(): Uint8Array {
    const segment = this.#segment;
    if (this.#base === null) return segment.subarray(this.#start, this.#end);
    const out = new Uint8Array(this.#prefixBytes + this.#end - this.#start);
    out.set(segment.subarray(this.#start, this.#end), this.#prefixBytes);
    // Then back along the chain: each base supplies the bytes from its own prefix up to what is still missing.
    let missing = this.#prefixBytes;
    let node: LazyPartialRecord | null = this.#base;
    while (node !== null && missing > 0) {
      if (node.#base === null) {
        out.set(segment.subarray(node.#start, node.#start + missing), 0);
        break;
      }
      if (node.#prefixBytes < missing) {
        const count = missing - node.#prefixBytes;
        out.set(segment.subarray(node.#start, node.#start + count), node.#prefixBytes);
        missing = node.#prefixBytes;
      }
      node = node.#base;
    }
    return out;
  }

  /** A partial whose whole text is stored at segment[start, end) (already validated as UTF-8). */
  static whole(
    fields: LazyPartialFields,
    segment: Uint8Array,
    start: number,
    end: number,
  ): LazyPartialRecord {
    return new LazyPartialRecord(fields, segment, null, 0, start, end);
  }

  /** A partial made of `base`'s first `prefixBytes` bytes and the (validated) suffix segment[start, end). */
  static delta(
    base: LazyPartialRecord,
    prefixBytes: number,
    fields: LazyPartialFields,
    start: number,
    end: number,
  ) {
    return new LazyPartialRecord(fields, base.#segment, base, prefixBytes, start, end);
  }
}

/** Throws PayloadError, as decodeUtf8Strict would, unless bytes[start, end) is valid UTF-8 on its own. */
export function checkUtf8(bytes: Uint8Array, start: number, end: number): void {
  if (!isUtf8(bytes, start, end)) throw new PayloadError('string is not valid UTF-8');
}
