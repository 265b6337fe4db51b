/**
 * isUtf8 must judge every byte sequence exactly as the fatal TextDecoder the reader decodes with:
 * it validates lazy partial texts that are only decoded later, and a text that validates must
 * decode, and one that does not must be rejected as the eager reader rejects it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { isUtf8 } from '../src/core/bytes.ts';
import { mulberry32 } from './helpers/sample-records.ts';

const fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
function decodes(bytes: Uint8Array): boolean {
  try {
    fatal.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Sequences on which isUtf8 and the decoder disagree (hex), collected by sameVerdict. */
const mismatches: string[] = [];

function sameVerdict(bytes: Uint8Array): void {
  // Also inside a larger buffer, so the range bounds are what is checked.
  const padded = new Uint8Array(bytes.length + 4);
  padded.set(bytes, 2);
  padded[bytes.length + 2] = 0x80; // a stray continuation byte just past the range
  const expected = decodes(bytes);
  if (isUtf8(bytes, 0, bytes.length) !== expected || isUtf8(padded, 2, 2 + bytes.length) !== expected) {
    mismatches.push([...bytes].map((b) => b.toString(16)).join(' '));
  }
}

describe('isUtf8', () => {
  afterEach(() => {
    expect(mismatches).toEqual([]);
    mismatches.length = 0;
  });

  it('agrees with the fatal decoder on every 1- and 2-byte sequence', () => {
    for (let a = 0; a < 256; a++) {
      sameVerdict(Uint8Array.of(a));
      for (let b = 0; b < 256; b++) sameVerdict(Uint8Array.of(a, b));
    }
  });

  it('agrees on every 3- and 4-byte sequence over the bytes where the rules change', () => {
    // The second byte takes every value (its range depends on the lead); later ones only need these.
    const edges = [0x41, 0x80, 0xbf, 0xc0];
    // Leads of 3- and 4-byte forms, and a few others (ASCII, a 2-byte lead, a continuation, invalid).
    const leads = [0x41, 0x80, 0xc2, 0xdf, 0xf8, 0xff];
    for (let lead = 0xe0; lead <= 0xf5; lead++) leads.push(lead);
    for (const lead of leads) {
      for (let second = 0; second < 256; second++) {
        for (const third of edges) {
          sameVerdict(Uint8Array.of(lead, second, third));
          for (const fourth of [0x41, 0x80, 0xc0]) sameVerdict(Uint8Array.of(lead, second, third, fourth));
        }
      }
    }
  });

  it('agrees on 20,000 random sequences of text-like, continuation and lead bytes (seeded)', () => {
    const rand = mulberry32(11);
    const pool = [
      0x20, 0x61, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5,
    ];
    const real = new TextEncoder().encode('café 日本語 😀 👍🏽 ok');
    for (let n = 0; n < 20_000; n++) {
      const length = Math.floor(rand() * 12);
      const bytes = new Uint8Array(length);
      for (let i = 0; i < length; i++) {
        const r = rand();
        bytes[i] =
          r < 0.5
            ? real[Math.floor(rand() * real.length)]!
            : r < 0.9
              ? pool[Math.floor(rand() * pool.length)]!
              : Math.floor(rand() * 256);
      }
      sameVerdict(bytes);
    }
  });
});
