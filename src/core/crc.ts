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

/** CRC-32 of `bytes[start, end)` without copying. Unsigned. */
export function crc32Range(bytes: Uint8Array, start: number, end: number, seed?: number): number {
  return crc32(bytes.subarray(start, end), seed);
}
