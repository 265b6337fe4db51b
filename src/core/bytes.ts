/**
 * Byte-level building blocks of the WAL payloads: unsigned LEB128 varints and length-prefixed UTF-8
 * strings, written into a reusable growable buffer and read back with strict validation.
 *
 * Strictness matters because the reader must never hand out a record that would not re-encode to
 * the very same bytes: over-long varints, values beyond Number.MAX_SAFE_INTEGER, invalid UTF-8 and
 * reads past the end all raise PayloadError, which the frame reader reports as 'bad-payload'.
 */

/** A payload that does not decode: truncated, over-long, out of range or not UTF-8. */
export class PayloadError extends Error {
  override name = 'PayloadError';
}

/** LEB128 of a 53-bit integer takes at most 8 bytes (8 × 7 = 56 bits). */
export const MAX_VARINT_BYTES = 8;

const TWO_POW_31 = 0x8000_0000;

/** Bytes the unsigned LEB128 encoding of `value` takes (1..8). */
export function varintSize(value: number): number {
  let size = 1;
  while (value >= 128) {
    value = Math.floor(value / 128);
    size++;
  }
  return size;
}

/** Throws RangeError unless `value` is an integer in [0, Number.MAX_SAFE_INTEGER]. */
export function assertVarintValue(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${what} must be an integer in [0, 2^53-1], got ${value}`);
  }
}

const utf8Encoder = new TextEncoder();

/** A growable write buffer reused across encodes, so encoding allocates only the final copy. */
export class ByteWriter {
  buf: Uint8Array;
  pos = 0;

  constructor(initialCapacity = 1024) {
    this.buf = new Uint8Array(Math.max(16, initialCapacity));
  }

  reset(): void {
    this.pos = 0;
  }

  /** Makes room for `extra` more bytes after `pos`. */
  ensure(extra: number): void {
    const needed = this.pos + extra;
    if (needed <= this.buf.length) return;
    let capacity = this.buf.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.buf.subarray(0, this.pos));
    this.buf = grown;
  }

  /** Reserves `count` bytes (e.g. a header filled in later) and returns their offset. */
  skip(count: number): number {
    this.ensure(count);
    const at = this.pos;
    this.pos += count;
    return at;
  }

  /** Unsigned LEB128: 7 bits per byte, low bits first, high bit set on every byte but the last. */
  varint(value: number): void {
    assertVarintValue(value, 'varint');
    this.ensure(MAX_VARINT_BYTES);
    const buf = this.buf;
    let pos = this.pos;
    // Above 2^31 the bitwise operators would truncate to int32, so peel 7 bits off arithmetically.
    while (value >= TWO_POW_31) {
      buf[pos++] = (value % 128) | 0x80;
      value = Math.floor(value / 128);
    }
    while (value >= 128) {
      buf[pos++] = (value & 0x7f) | 0x80;
      value >>>= 7;
    }
    buf[pos++] = value;
    this.pos = pos;
  }

  /** A varint byte length followed by the UTF-8 bytes of `text`. */
  string(text: string): void {
    // UTF-8 needs at most 3 bytes per UTF-16 code unit (a surrogate pair: 4 bytes for 2 units).
    const maxBytes = text.length * 3;
    const prefixBytes = varintSize(maxBytes);
    // Room for the widest varint too, so this.varint() below never regrows (and drops) the text.
    this.ensure(MAX_VARINT_BYTES + maxBytes);
    const start = this.pos + prefixBytes;
    const { written } = utf8Encoder.encodeInto(text, this.buf.subarray(start));
    const actualPrefix = varintSize(written);
    // The reserved prefix assumed the worst case; slide the text left so the varint stays minimal.
    if (actualPrefix < prefixBytes) this.buf.copyWithin(this.pos + actualPrefix, start, start + written);
    this.varint(written);
    this.pos += written;
  }

  /** A varint byte length followed by `bytes` (already UTF-8 text: the writer does not check it). */
  lengthPrefixed(bytes: Uint8Array): void {
    this.varint(bytes.length);
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** A copy of the bytes written so far. */
  toBytes(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}

/** Fatal: invalid UTF-8 is a damaged payload, never silently replaced with U+FFFD. */
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decodes UTF-8 bytes; invalid UTF-8 raises PayloadError (never replaced with U+FFFD). */
export function decodeUtf8Strict(bytes: Uint8Array): string {
  try {
    return utf8Decoder.decode(bytes);
  } catch {
    throw new PayloadError('string is not valid UTF-8');
  }
}

/**
 * Whether bytes[start, end) is valid UTF-8 exactly as the fatal decoder above judges it (WHATWG
 * UTF-8 decode): no over-long forms, no surrogates (U+D800–U+DFFF), nothing above U+10FFFF, no cut
 * sequence. For validating text that is not decoded yet (lazy partials): a decoder call per text
 * made reading a segment with non-ASCII text several times slower, and builds a string for nothing.
 */
export function isUtf8(bytes: Uint8Array, start: number, end: number): boolean {
  let i = start;
  while (i < end) {
    const lead = bytes[i];
    if (lead < 0x80) {
      i++;
      continue;
    }
    // [lower, upper] bound for the first continuation byte; the others are always 0x80..0xBF.
    let count: number;
    let lower = 0x80;
    let upper = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) count = 1;
    else if (lead >= 0xe0 && lead <= 0xef) {
      count = 2;
      if (lead === 0xe0)
        lower = 0xa0; // over-long below U+0800
      else if (lead === 0xed) upper = 0x9f; // surrogates
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      count = 3;
      if (lead === 0xf0)
        lower = 0x90; // over-long below U+10000
      else if (lead === 0xf4) upper = 0x8f; // above U+10FFFF
    } else return false;
    if (i + count >= end) return false;
    const first = bytes[i + 1];
    if (first < lower || first > upper) return false;
    for (let k = 2; k <= count; k++) if ((bytes[i + k] & 0xc0) !== 0x80) return false;
    i += count + 1;
  }
  return true;
}

/** Interning is for ids: short, and few distinct ones per segment. */
const MAX_INTERNED_BYTES = 64;
const INTERN_CACHE_SIZE = 8;

/**
 * Reads varints and strings from `bytes[pos, end)`. One instance is re-pointed at each payload with
 * `reset()`, so reading a segment does not allocate a reader per record.
 */
export class ByteReader {
  bytes: Uint8Array = new Uint8Array(0);
  pos = 0;
  end = 0;
  /**
   * Where the bytes of the last string()/rawString() began, so a caller can keep a string's UTF-8
   * bytes (`bytes.subarray(stringStart, pos)`) without encoding the decoded text again.
   */
  stringStart = 0;

  reset(bytes: Uint8Array, pos: number, end: number): void {
    this.bytes = bytes;
    this.pos = pos;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  varint(): number {
    const bytes = this.bytes;
    const end = this.end;
    let pos = this.pos;
    // Most varints (counts, small numbers, string lengths < 128) are one byte.
    if (pos < end && bytes[pos] < 0x80) {
      this.pos = pos + 1;
      return bytes[pos];
    }
    let result = 0;
    let multiplier = 1;
    for (let i = 0; i < MAX_VARINT_BYTES; i++) {
      if (pos >= end) throw new PayloadError('varint runs past the end of the payload');
      const byte = bytes[pos++];
      result += (byte & 0x7f) * multiplier;
      if (byte < 0x80) {
        // A zero last byte after others means an over-long encoding; it would not re-encode identically.
        if (byte === 0 && i > 0) throw new PayloadError('over-long varint');
        if (result > Number.MAX_SAFE_INTEGER) throw new PayloadError('varint exceeds 2^53-1');
        this.pos = pos;
        return result;
      }
      multiplier *= 128;
    }
    throw new PayloadError(`varint longer than ${MAX_VARINT_BYTES} bytes`);
  }

  string(): string {
    const length = this.varint();
    const start = this.pos;
    if (length > this.end - start) throw new PayloadError('string runs past the end of the payload');
    this.stringStart = start;
    return this.decodeUtf8(start, length);
  }

  /**
   * Skips over a length-prefixed string without decoding or validating it: its bytes are
   * `bytes.subarray(stringStart, pos)` afterwards. The caller must validate the UTF-8 itself.
   */
  rawString(): void {
    const length = this.varint();
    const start = this.pos;
    if (length > this.end - start) throw new PayloadError('string runs past the end of the payload');
    this.stringStart = start;
    this.pos = start + length;
  }

  /**
   * A string that repeats from record to record (the session id): the same bytes as one of the last
   * few decoded ones return the cached string, avoiding a decode and a new string per record.
   */
  internedString(): string {
    const length = this.varint();
    const start = this.pos;
    if (length > this.end - start) throw new PayloadError('string runs past the end of the payload');
    const bytes = this.bytes;
    const cache = this.internCache;
    const last = start + length - 1;
    for (let c = 0; c < cache.length; c++) {
      const entry = cache[c];
      const cached = entry.bytes;
      // Ids of one app share length and prefix; the last byte usually tells them apart at once.
      if (cached.length !== length || (length > 0 && cached[length - 1] !== bytes[last])) continue;
      let i = 0;
      while (i < length && cached[i] === bytes[start + i]) i++;
      if (i === length) {
        this.pos = start + length;
        return entry.text;
      }
    }
    const text = this.decodeUtf8(start, length);
    if (length <= MAX_INTERNED_BYTES) {
      if (cache.length >= INTERN_CACHE_SIZE) cache.pop();
      cache.unshift({ bytes: bytes.slice(start, start + length), text });
    }
    return text;
  }

  private decodeUtf8(start: number, length: number): string {
    this.pos = start + length;
    return decodeUtf8Strict(this.bytes.subarray(start, start + length));
  }

  private readonly internCache: Array<{ bytes: Uint8Array; text: string }> = [];
}
