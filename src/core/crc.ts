/**
 * CRC-32 (IEEE 802.3, the zlib/PNG polynomial) over byte ranges, as unsigned 32-bit numbers.
 * A thin wrapper over the `crc-32` package, whose `buf()` returns a *signed* int32: every value
 * leaving this module is converted with `>>> 0` so callers can compare it with DataView.getUint32.
 */
import CRC32 from 'crc-32';

/** CRC-32 of `bytes`, continuing from `seed` (a previous result) when given. Unsigned. */
export function crc32(bytes: Uint8Array, seed?: number): number {
  // `seed` may be unsigned: crc-32 applies `seed ^ -1`, which reads it as int32 either way.
  return CRC32.buf(bytes, seed ?? 0) >>> 0;
}

/**
 * Slice-by-8 tables: SLICE[k * 256 + n] is the CRC register after byte n followed by k zero bytes.
 * Row 0 is crc-32's own byte table, read back through its API (a one-byte CRC from a zero register
 * is that table's entry), and the other rows are built from it as crc-32 builds its slice-by-16 ones.
 */
const SLICE = new Int32Array(8 * 256);
const oneByte = new Uint8Array(1);
for (let n = 0; n < 256; n++) {
  oneByte[0] = n;
  // crc-32 starts from seed ^ -1 and returns the register's complement: seed -1 starts from 0.
  SLICE[n] = ~CRC32.buf(oneByte, -1);
}
for (let n = 0; n < 256; n++) {
  let v = SLICE[n];
  for (let k = 1; k < 8; k++) {
    v = (v >>> 8) ^ SLICE[v & 0xff];
    SLICE[k * 256 + n] = v;
  }
}

/**
 * CRC-32 of `bytes[start, end)`, continuing from `seed` when given. Unsigned. The same value as
 * crc32(bytes.subarray(start, end), seed), computed in place: the segment reader checks one short
 * range per frame, and a subarray view per frame was a measurable part of reading (allocation and GC).
 */
export function crc32Range(bytes: Uint8Array, start: number, end: number, seed = 0): number {
  const T = SLICE;
  let c = seed ^ -1;
  let i = start;
  for (const last = end - 8; i <= last; i += 8) {
    c =
      T[1792 + ((bytes[i] ^ c) & 0xff)] ^
      T[1536 + ((bytes[i + 1] ^ (c >>> 8)) & 0xff)] ^
      T[1280 + ((bytes[i + 2] ^ (c >>> 16)) & 0xff)] ^
      T[1024 + (bytes[i + 3] ^ (c >>> 24))] ^
      T[768 + bytes[i + 4]] ^
      T[512 + bytes[i + 5]] ^
      T[256 + bytes[i + 6]] ^
      T[bytes[i + 7]];
  }
  for (; i < end; i++) c = (c >>> 8) ^ T[(c ^ bytes[i]) & 0xff];
  return ~c >>> 0;
}
