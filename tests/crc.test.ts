/** crc32Range must be crc32 of the subarray, for every range and seed (it is computed in place). */
import CRC32 from 'crc-32';
import { describe, expect, it } from 'vitest';
import { crc32, crc32Range } from '../src/core/crc.ts';
import { mulberry32 } from './helpers/sample-records.ts';

describe('crc32Range', () => {
  it('equals crc32 of the subarray for every start, length and seed', () => {
    const rand = mulberry32(7);
    const bytes = new Uint8Array(600);
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(rand() * 256);
    for (let start = 0; start < 24; start++) {
      for (let end = start; end <= start + 300; end++) {
        for (const seed of [undefined, 0, 0x1234_5678, 0xffff_ffff]) {
          expect(crc32Range(bytes, start, end, seed)).toBe(crc32(bytes.subarray(start, end), seed));
        }
      }
    }
  });

  it('matches the crc-32 package and the standard check value', () => {
    const check = new TextEncoder().encode('123456789');
    expect(crc32Range(check, 0, check.length)).toBe(0xcbf43926);
    expect(crc32Range(check, 0, check.length)).toBe(CRC32.buf(check) >>> 0);
    // Continuing from a previous result is the CRC of the concatenation.
    expect(crc32Range(check, 4, 9, crc32Range(check, 0, 4))).toBe(0xcbf43926);
    expect(crc32Range(check, 3, 3)).toBe(0);
  });
});
