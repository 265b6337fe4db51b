import { describe, expect, it } from 'vitest';
import { ByteWriter } from '../src/core/bytes.ts';
import { MAX_SESSION_ID_BYTES, decodeConfidence, encodeConfidence } from '../src/core/codec.ts';
import {
  FRAME_HEADER_BYTES,
  WAL_FORMAT_VERSION,
  encodeFrame,
  encodeFrames,
  encodeRawFrame,
  readSegment,
} from '../src/core/framing.ts';
import { ALL_RECORD_TYPES, RecordTypeCode, type WalRecord } from '../src/core/records.ts';

const MAX = Number.MAX_SAFE_INTEGER;
const base = { sessionId: 's-lx3k9a-4f2b', seq: 7, at: 1_763_900_000_123 };

/** One record of every type, with ordinary values. */
const ONE_OF_EACH: WalRecord[] = [
  { ...base, seq: 0, type: 'session-start', title: 'Stand-up', source: 'microphone', lang: 'en-US' },
  { ...base, type: 'partial', utterance: 3, startMs: 12_345, text: 'so the budget for next' },
  {
    ...base,
    type: 'final',
    utterance: 3,
    startMs: 12_345,
    endMs: 15_001,
    text: 'So the budget for next quarter.',
    confidence: 0.912,
  },
  { ...base, type: 'session-stop', reason: 'user' },
  { ...base, type: 'checkpoint', upToSeq: 6, finals: 2 },
  { ...base, type: 'session-delete' },
];

function roundTrip(record: WalRecord): WalRecord {
  const frame = encodeFrame(record);
  const result = readSegment(frame);
  expect(result.skipped).toEqual([]);
  expect(result.records).toHaveLength(1);
  expect(result.records[0].offset).toBe(0);
  expect(result.records[0].length).toBe(frame.length);
  return result.records[0].record;
}

describe('record codec round trip', () => {
  it('covers every record type', () => {
    expect(ONE_OF_EACH.map((r) => r.type)).toEqual(ALL_RECORD_TYPES);
    for (const record of ONE_OF_EACH) expect(roundTrip(record)).toEqual(record);
  });

  it('writes the RecordTypeCode of each type in the header', () => {
    const codes = ONE_OF_EACH.map((r) => encodeFrame(r)[7]);
    expect(codes).toEqual([
      RecordTypeCode.SESSION_START,
      RecordTypeCode.PARTIAL,
      RecordTypeCode.FINAL,
      RecordTypeCode.SESSION_STOP,
      RecordTypeCode.CHECKPOINT,
      RecordTypeCode.SESSION_DELETE,
    ]);
  });

  it('keeps empty strings', () => {
    const records: WalRecord[] = [
      { ...base, sessionId: '', type: 'session-start', title: '', source: '', lang: '' },
      { ...base, type: 'partial', utterance: 0, startMs: 0, text: '' },
      { ...base, type: 'final', utterance: 0, startMs: 0, endMs: 0, text: '', confidence: null },
      { ...base, type: 'session-stop', reason: '' },
    ];
    for (const record of records) expect(roundTrip(record)).toEqual(record);
  });

  it('keeps very long (1 MB) text', () => {
    const text = 'lorem ipsum dolor sit amet '.repeat(40_000).slice(0, 1_048_576);
    const record: WalRecord = {
      ...base,
      type: 'final',
      utterance: 1,
      startMs: 1,
      endMs: 2,
      text,
      confidence: 1,
    };
    const frame = encodeFrame(record);
    expect(frame.length).toBeGreaterThan(1_048_576);
    expect(roundTrip(record)).toEqual(record);
    // 1 MB of 4-byte emoji (4 MB of UTF-8) fits too.
    const emoji: WalRecord = {
      ...base,
      type: 'partial',
      utterance: 1,
      startMs: 1,
      text: '😀'.repeat(262_144),
    };
    expect(roundTrip(emoji)).toEqual(emoji);
  });

  it('keeps non-ASCII and emoji text', () => {
    const texts = [
      'Grüße, señor — naïve café',
      'привет, как дела?',
      '日本語と中文',
      '👍🏽 🎉 👨‍👩‍👧‍👦 🇩🇪',
      'tab\tnew\nline\u0000nul',
    ];
    for (const text of texts) {
      const record: WalRecord = { ...base, type: 'partial', utterance: 0, startMs: 0, text };
      expect(roundTrip(record)).toEqual(record);
    }
    const start: WalRecord = {
      ...base,
      seq: 0,
      type: 'session-start',
      title: 'Réunion 📋',
      source: 'démo',
      lang: 'fr-FR',
    };
    expect(roundTrip(start)).toEqual(start);
  });

  it('keeps edge numbers from 0 to 2^53-1', () => {
    const records: WalRecord[] = [
      { ...base, seq: MAX, at: MAX, type: 'partial', utterance: MAX, startMs: MAX, text: 'x' },
      {
        ...base,
        seq: 0,
        at: 0,
        type: 'final',
        utterance: 0,
        startMs: 0,
        endMs: MAX,
        text: 'y',
        confidence: 0,
      },
      { ...base, seq: 2 ** 31, at: 2 ** 32, type: 'checkpoint', upToSeq: MAX, finals: 2 ** 31 - 1 },
      { ...base, seq: 127, at: 128, type: 'checkpoint', upToSeq: 16_383, finals: 16_384 },
    ];
    for (const record of records) expect(roundTrip(record)).toEqual(record);
  });

  it('stores confidence as permille + 1 with 0 for null', () => {
    expect(encodeConfidence(null)).toBe(0);
    expect(encodeConfidence(0)).toBe(1);
    expect(encodeConfidence(1)).toBe(1001);
    expect(encodeConfidence(0.5)).toBe(501);
    expect(decodeConfidence(0)).toBeNull();
    expect(decodeConfidence(1)).toBe(0);
    expect(decodeConfidence(1001)).toBe(1);
    expect(() => decodeConfidence(1002)).toThrow();
    // Clamped / rounded to the 0.001 the format keeps; NaN means "none".
    expect(encodeConfidence(1.2)).toBe(1001);
    expect(encodeConfidence(-0.1)).toBe(1);
    expect(encodeConfidence(NaN)).toBe(0);
    const record: WalRecord = {
      ...base,
      type: 'final',
      utterance: 0,
      startMs: 0,
      endMs: 1,
      text: 'a',
      confidence: 0.87654,
    };
    expect(roundTrip(record)).toEqual({ ...record, confidence: 0.877 });
  });

  it('refuses records it cannot store', () => {
    const tooLongId = 'x'.repeat(MAX_SESSION_ID_BYTES + 1);
    expect(() => encodeFrame({ ...base, sessionId: tooLongId, type: 'session-delete' })).toThrow(RangeError);
    expect(
      encodeFrame({ ...base, sessionId: 'x'.repeat(MAX_SESSION_ID_BYTES), type: 'session-delete' }),
    ).toBeTruthy();
    expect(() => encodeFrame({ ...base, seq: -1, type: 'session-delete' })).toThrow(RangeError);
    expect(() => encodeFrame({ ...base, at: 1.5, type: 'session-delete' })).toThrow(RangeError);
    expect(() => encodeFrame({ ...base, type: 'partial', utterance: 0, startMs: MAX + 1, text: '' })).toThrow(
      RangeError,
    );
  });

  it('encodes a batch as the concatenation of single frames', () => {
    const batch = encodeFrames(ONE_OF_EACH);
    const singles = ONE_OF_EACH.map((r) => encodeFrame(r));
    expect(batch).toEqual(Uint8Array.from(singles.flatMap((f) => [...f])));
    expect(encodeFrames([])).toEqual(new Uint8Array(0));
  });
});

describe('payload validation behind a good CRC', () => {
  /** The payload of a valid record, to be tampered with and re-framed with a correct CRC. */
  function payloadOf(record: WalRecord): Uint8Array {
    return encodeFrame(record).subarray(FRAME_HEADER_BYTES);
  }
  const partial = ONE_OF_EACH[1];

  it('reports leftover or missing payload bytes as bad-payload', () => {
    const payload = payloadOf(partial);
    const longer = Uint8Array.from([...payload, 0]);
    const shorter = payload.subarray(0, payload.length - 1);
    for (const bad of [longer, shorter, new Uint8Array(0)]) {
      const frame = encodeRawFrame(RecordTypeCode.PARTIAL, bad);
      const result = readSegment(frame);
      expect(result.records).toEqual([]);
      expect(result.skipped).toEqual([{ offset: 0, length: frame.length, reason: 'bad-payload' }]);
      expect(result.validEnd).toBe(frame.length); // intact frame: a resuming writer keeps it
    }
  });

  it('reports a payload decoded as the wrong type as bad-payload', () => {
    // A CHECKPOINT payload under the FINAL code: its fields run out before endMs.
    const frame = encodeRawFrame(RecordTypeCode.FINAL, payloadOf(ONE_OF_EACH[4]));
    expect(readSegment(frame).skipped[0].reason).toBe('bad-payload');
  });

  it('reports invalid UTF-8, over-long varints and out-of-range confidence as bad-payload', () => {
    const w = new ByteWriter();
    w.string('s-1');
    w.varint(1);
    w.varint(2);
    const prefix = w.toBytes();
    const invalidUtf8 = Uint8Array.from([...prefix, 0, 0, 2, 0xc3, 0x28]);
    const overlong = Uint8Array.from([...prefix, 0x80, 0x00, 0, 0]);
    const confidence = Uint8Array.from([...prefix, 0, 0, 0, 0xea, 0x07, 0]); // 1002 → 1.001
    expect(readSegment(encodeRawFrame(RecordTypeCode.PARTIAL, invalidUtf8)).skipped[0].reason).toBe(
      'bad-payload',
    );
    expect(readSegment(encodeRawFrame(RecordTypeCode.PARTIAL, overlong)).skipped[0].reason).toBe(
      'bad-payload',
    );
    expect(readSegment(encodeRawFrame(RecordTypeCode.FINAL, confidence)).skipped[0].reason).toBe(
      'bad-payload',
    );
    // Control: the same prefix with well-formed fields decodes.
    const good = Uint8Array.from([...prefix, 0, 0, 1, 0x61]);
    expect(readSegment(encodeRawFrame(RecordTypeCode.PARTIAL, good)).records[0].record).toEqual({
      type: 'partial',
      sessionId: 's-1',
      seq: 1,
      at: 2,
      utterance: 0,
      startMs: 0,
      text: 'a',
    });
  });

  it('skips unknown record types and newer versions and reads on', () => {
    const future = encodeRawFrame(42, Uint8Array.from([1, 2, 3]));
    const newer = encodeRawFrame(RecordTypeCode.PARTIAL, payloadOf(partial), WAL_FORMAT_VERSION + 1);
    const zero = encodeRawFrame(RecordTypeCode.PARTIAL, payloadOf(partial), 0);
    const first = encodeFrame(ONE_OF_EACH[0]);
    const last = encodeFrame(ONE_OF_EACH[3]);
    const bytes = Uint8Array.from([...first, ...future, ...newer, ...zero, ...last]);
    const result = readSegment(bytes);
    expect(result.records.map((r) => r.record)).toEqual([ONE_OF_EACH[0], ONE_OF_EACH[3]]);
    let offset = first.length;
    expect(result.skipped).toEqual([
      { offset, length: future.length, reason: 'unknown-type' },
      { offset: (offset += future.length), length: newer.length, reason: 'bad-version' },
      { offset: (offset += newer.length), length: zero.length, reason: 'bad-version' },
    ]);
    expect(result.records[1].offset).toBe(offset + zero.length);
    expect(result.validEnd).toBe(bytes.length);
  });
});
