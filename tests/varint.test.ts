import { describe, expect, it } from 'vitest';
import { ByteReader, ByteWriter, PayloadError, varintSize } from '../src/core/bytes.ts';

function encodeVarint(value: number): Uint8Array {
  const writer = new ByteWriter(16);
  writer.varint(value);
  return writer.toBytes();
}

function decodeVarint(bytes: number[] | Uint8Array): number {
  const reader = new ByteReader();
  const u8 = Uint8Array.from(bytes);
  reader.reset(u8, 0, u8.length);
  const value = reader.varint();
  expect(reader.remaining).toBe(0);
  return value;
}

const EDGE_VALUES = [
  0,
  1,
  127,
  128,
  255,
  300,
  16_383,
  16_384,
  2 ** 21 - 1,
  2 ** 21,
  2 ** 28,
  2 ** 31 - 1,
  2 ** 31,
  2 ** 32 - 1,
  2 ** 32,
  2 ** 35 + 12345,
  1_763_900_000_000,
  2 ** 49,
  Number.MAX_SAFE_INTEGER,
];

describe('LEB128 varints', () => {
  it('round-trips edge values with the minimal number of bytes', () => {
    for (const value of EDGE_VALUES) {
      const bytes = encodeVarint(value);
      expect(decodeVarint(bytes), `value ${value}`).toBe(value);
      expect(bytes.length).toBe(varintSize(value));
      expect(bytes.length).toBe(Math.max(1, Math.ceil(value.toString(2).length / 7)));
      // Only the last byte has the high bit clear.
      bytes.forEach((b, i) => expect(b >= 0x80).toBe(i < bytes.length - 1));
    }
  });

  it('matches the LEB128 reference bytes', () => {
    expect([...encodeVarint(300)]).toEqual([0xac, 0x02]);
    expect([...encodeVarint(624_485)]).toEqual([0xe5, 0x8e, 0x26]);
    expect([...encodeVarint(Number.MAX_SAFE_INTEGER)]).toEqual([
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f,
    ]);
  });

  it('refuses to encode negative, fractional, unsafe or non-finite numbers', () => {
    for (const bad of [-1, 1.5, Number.MAX_SAFE_INTEGER + 1, NaN, Infinity]) {
      expect(() => encodeVarint(bad), `value ${bad}`).toThrow(RangeError);
    }
  });

  it('rejects truncated, over-long and out-of-range encodings', () => {
    expect(() => decodeVarint([])).toThrow(PayloadError);
    expect(() => decodeVarint([0x80])).toThrow(PayloadError); // continuation bit, then nothing
    expect(() => decodeVarint([0x80, 0x00])).toThrow(/over-long/); // 0 written in two bytes
    expect(() => decodeVarint([0xff, 0x80, 0x00])).toThrow(/over-long/);
    // 9 bytes: longer than any 53-bit value needs.
    expect(() => decodeVarint([0x81, 0x81, 0x81, 0x81, 0x81, 0x81, 0x81, 0x81, 0x01])).toThrow(PayloadError);
    // 8 bytes but 2^53: one past the largest safe integer.
    expect(() => decodeVarint([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10])).toThrow(/2\^53/);
  });
});

describe('length-prefixed UTF-8 strings', () => {
  function roundTrip(text: string): Uint8Array {
    const writer = new ByteWriter(16);
    writer.string(text);
    const bytes = writer.toBytes();
    const reader = new ByteReader();
    reader.reset(bytes, 0, bytes.length);
    expect(reader.string()).toBe(text);
    expect(reader.remaining).toBe(0);
    return bytes;
  }

  it('round-trips empty, ASCII, non-ASCII and emoji text with a minimal length prefix', () => {
    expect([...roundTrip('')]).toEqual([0]);
    expect(roundTrip('hello').length).toBe(6);
    for (const text of ['Grüße aus München', 'привет мир', '日本語のテキスト', '😀👍🏽🎉 family: 👨‍👩‍👧']) {
      const utf8Length = new TextEncoder().encode(text).length;
      expect(roundTrip(text).length).toBe(varintSize(utf8Length) + utf8Length);
    }
  });

  it('keeps the prefix minimal when the worst-case estimate needs a longer varint', () => {
    // 50 ASCII chars: worst case 150 bytes needs a 2-byte prefix; the real 50 bytes need 1.
    const bytes = roundTrip('a'.repeat(50));
    expect(bytes.length).toBe(51);
    expect(bytes[0]).toBe(50);
    // Around the 128-byte boundary of the prefix.
    for (const n of [42, 43, 127, 128, 129, 16_383, 16_384]) roundTrip('x'.repeat(n));
  });

  it('grows the buffer without losing bytes already written', () => {
    const writer = new ByteWriter(16);
    writer.varint(5);
    writer.string('é'.repeat(40_000));
    writer.varint(7);
    const bytes = writer.toBytes();
    const reader = new ByteReader();
    reader.reset(bytes, 0, bytes.length);
    expect(reader.varint()).toBe(5);
    expect(reader.string()).toBe('é'.repeat(40_000));
    expect(reader.varint()).toBe(7);
  });

  it('rejects invalid UTF-8 and strings running past the end', () => {
    const reader = new ByteReader();
    const invalid = Uint8Array.from([2, 0xc3, 0x28]);
    reader.reset(invalid, 0, invalid.length);
    expect(() => reader.string()).toThrow(/UTF-8/);
    const short = Uint8Array.from([5, 0x61, 0x62]);
    reader.reset(short, 0, short.length);
    expect(() => reader.string()).toThrow(/past the end/);
    // The end bound is the payload's, not the buffer's.
    const bounded = Uint8Array.from([3, 0x61, 0x62, 0x63]);
    reader.reset(bounded, 0, 3);
    expect(() => reader.string()).toThrow(/past the end/);
  });

  it('writes pre-encoded bytes exactly as string() writes their text, and reads them back raw', () => {
    for (const text of ['', 'hello', 'x'.repeat(200), 'Grüße 😀']) {
      const bytes = new TextEncoder().encode(text);
      const a = new ByteWriter(16);
      a.varint(9);
      a.string(text);
      const b = new ByteWriter(16);
      b.varint(9);
      b.lengthPrefixed(bytes);
      expect(b.toBytes()).toEqual(a.toBytes());
      // rawString skips the string and says where its bytes are, without decoding them.
      const out = b.toBytes();
      const reader = new ByteReader();
      reader.reset(out, 0, out.length);
      reader.varint();
      reader.rawString();
      expect(reader.remaining).toBe(0);
      expect(out.subarray(reader.stringStart, reader.pos)).toEqual(bytes);
    }
    const reader = new ByteReader();
    const short = Uint8Array.from([5, 0x61, 0x62]);
    reader.reset(short, 0, short.length);
    expect(() => reader.rawString()).toThrow(/past the end/);
    // string() reports its start too: the text's bytes can be kept without encoding it again.
    const two = Uint8Array.from([1, 0x61, 2, 0x62, 0x63]);
    reader.reset(two, 0, two.length);
    reader.string();
    expect(reader.string()).toBe('bc');
    expect(reader.stringStart).toBe(3);
  });

  it('interns repeated strings and still validates them', () => {
    const writer = new ByteWriter();
    for (const id of ['s-1', 's-2', 's-1', 's-1', 'ß-3']) writer.string(id);
    const bytes = writer.toBytes();
    const reader = new ByteReader();
    reader.reset(bytes, 0, bytes.length);
    const ids = [1, 2, 3, 4, 5].map(() => reader.internedString());
    expect(ids).toEqual(['s-1', 's-2', 's-1', 's-1', 'ß-3']);
    const invalid = Uint8Array.from([1, 0xff]);
    reader.reset(invalid, 0, invalid.length);
    expect(() => reader.internedString()).toThrow(PayloadError);
  });
});
