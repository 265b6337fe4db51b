/**
 * PARTIAL_DELTA frames: SegmentEncoder / SegmentWriter write a partial that extends its utterance's
 * previous partial as "prefix of the base + suffix"; readSegment rebuilds the exact text and returns
 * an ordinary partial record. Layout, keyframes, state rules, and the writer's consistency when
 * frames fail to be written or come from elsewhere (appendEncoded).
 */
import CRC32 from 'crc-32';
import { describe, expect, it } from 'vitest';
import { ByteWriter } from '../src/core/bytes.ts';
import { MemoryByteFile } from '../src/core/byte-file.ts';
import {
  FRAME_HEADER_BYTES,
  encodeFrame,
  encodePartialDeltaFrame,
  encodeRawFrame,
  readSegment,
  type SegmentReadResult,
} from '../src/core/framing.ts';
import { RecordTypeCode, type PartialRecord, type WalRecord } from '../src/core/records.ts';
import {
  KEYFRAME_INTERVAL,
  MIN_DELTA_PREFIX_BYTES,
  SegmentEncoder,
  type SegmentEncoderOptions,
} from '../src/core/segment-encoder.ts';
import { SegmentWriter } from '../src/core/segment-writer.ts';
import { sampleRecords } from './helpers/sample-records.ts';
import { segmentReadViolation } from './helpers/segment-invariants.ts';

const utf8 = new TextEncoder();
const AT = 1_763_900_000_000;

function partialOf(sessionId: string, seq: number, utterance: number, text: string): PartialRecord {
  return { type: 'partial', sessionId, seq, at: AT + seq * 100, utterance, startMs: utterance * 1000, text };
}

/** The records written through a fresh SegmentWriter over a memory file, and what reads back. */
function writeAndRead(
  records: WalRecord[],
  options?: SegmentEncoderOptions,
): { bytes: Uint8Array; read: SegmentReadResult } {
  const file = new MemoryByteFile();
  const writer = new SegmentWriter(file, 0, options);
  for (const record of records) writer.append(record);
  const bytes = file.bytes();
  const read = readSegment(bytes);
  expect(segmentReadViolation(bytes, read)).toBeNull();
  return { bytes, read };
}

/** Growing partials of one utterance: each adds a word to the one before. */
function growing(sessionId: string, firstSeq: number, utterance: number, words: string[]): PartialRecord[] {
  return words.map((_, i) => partialOf(sessionId, firstSeq + i, utterance, words.slice(0, i + 1).join(' ')));
}

const WORDS =
  'so the budget for the next quarter is going to be reviewed on thursday morning with everyone'.split(' ');

describe('PARTIAL_DELTA layout (docs/WAL-FORMAT.md)', () => {
  it('stores baseGap, prefixBytes and the suffix after the partial fields, under type 7', () => {
    const base = partialOf('s-1', 3, 0, 'hello world, this is');
    const next = partialOf('s-1', 4, 0, 'hello world, this is a test');
    const encoder = new SegmentEncoder();
    expect(encoder.encode(base)).toEqual(encodeFrame(base)); // no base yet: full text
    const frame = encoder.encode(next);
    const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
    expect(frame[7]).toBe(RecordTypeCode.PARTIAL_DELTA);
    expect(RecordTypeCode.PARTIAL_DELTA).toBe(7);
    expect(view.getUint32(8, true)).toBe(frame.length - FRAME_HEADER_BYTES);
    expect(view.getUint32(2, true)).toBe(CRC32.buf(frame.subarray(6)) >>> 0);
    const w = new ByteWriter();
    w.string('s-1');
    w.varint(4); // seq
    w.varint(AT + 400); // at
    w.varint(0); // utterance
    w.varint(0); // startMs
    w.varint(1); // baseGap: seq − baseSeq
    w.varint(20); // prefixBytes: 'hello world, this is'
    w.string(' a test'); // suffix
    expect([...frame.subarray(FRAME_HEADER_BYTES)]).toEqual([...w.toBytes()]);
    expect(frame).toEqual(encodePartialDeltaFrame(next, 3, 20));
    const read = readSegment(Uint8Array.from([...encodeFrame(base), ...frame]));
    expect(read.records.map((r) => r.record)).toEqual([base, next]);
    expect(read.records[1].delta).toEqual({ baseSeq: 3, prefixBytes: 20, suffixBytes: 7 });
    expect(read.records[0].delta).toBeUndefined();
  });

  it('returns fresh copies from encode() and a reused buffer from encodeTransient()', () => {
    const encoder = new SegmentEncoder();
    const a = encoder.encodeTransient(partialOf('s-1', 1, 0, 'x'));
    const b = encoder.encodeTransient(partialOf('s-2', 1, 0, 'y'));
    expect(b.buffer).toBe(a.buffer);
    const c = encoder.encode(partialOf('s-3', 1, 0, 'z'));
    expect(c.buffer).not.toBe(a.buffer);
    expect(c).toEqual(encodeFrame(partialOf('s-3', 1, 0, 'z')));
  });
});

describe('round trip through SegmentWriter', () => {
  it('rebuilds the exact texts of growing partials, with a keyframe every KEYFRAME_INTERVAL partials', () => {
    const records: WalRecord[] = [
      ...growing('s-1', 1, 0, WORDS),
      {
        ...partialOf('s-1', WORDS.length + 1, 0, WORDS.join(' ')),
        type: 'final',
        endMs: 9000,
        confidence: 0.9,
      },
    ] as WalRecord[];
    const { bytes, read } = writeAndRead(records);
    expect(read.skipped).toEqual([]);
    expect(read.records.map((r) => r.record)).toEqual(records);
    // Short texts (< MIN_DELTA_PREFIX_BYTES shared) are full; after that chains of at most K.
    let chain = 0;
    let deltas = 0;
    for (const framed of read.records) {
      const type = bytes[framed.offset + 7];
      if (framed.record.type !== 'partial') {
        expect(type).toBe(RecordTypeCode.FINAL); // finals always carry their full text
        continue;
      }
      if (framed.delta) {
        deltas++;
        chain++;
        expect(type).toBe(RecordTypeCode.PARTIAL_DELTA);
        expect(framed.delta.baseSeq).toBe(framed.record.seq - 1);
        expect(framed.delta.prefixBytes).toBeGreaterThanOrEqual(MIN_DELTA_PREFIX_BYTES);
        expect(chain).toBeLessThanOrEqual(KEYFRAME_INTERVAL);
      } else {
        expect(type).toBe(RecordTypeCode.PARTIAL);
        chain = 1;
      }
    }
    // 17 partials: the first 4 share < 16 bytes with their predecessor (full); the 4th is a keyframe
    // followed by 7 deltas (a chain of 8), then a keyframe and the last 5 as deltas.
    expect(deltas).toBe(12);
  });

  it('cuts prefixes on code point boundaries (emoji and other multi-byte text at the cut)', () => {
    // 😀 F0 9F 98 80 and 😃 F0 9F 98 83 share three bytes; é C3 A9 and è C3 A8 share one.
    const texts = [
      'we are all very happy today 😀',
      'we are all very happy today 😃',
      'we are all very happy today 😃 café',
      'we are all very happy today 😃 cafè',
      'we are all very happy today 😃 cafè 日本語',
      'we are all very happy today 😃 cafè 日本',
      'we are all very happy today 😃 cafè 日本語 👍🏽',
      'we are all very happy today 😃 cafè 日本語 👍🏿',
    ];
    const records = texts.map((text, i) => partialOf('s-e', i + 1, 2, text));
    const { read } = writeAndRead(records);
    expect(read.skipped).toEqual([]);
    expect(read.records.map((r) => r.record)).toEqual(records);
    for (const framed of read.records.slice(1)) {
      const { delta } = framed;
      expect(delta).toBeDefined();
      const previous = utf8.encode(texts[read.records.indexOf(framed) - 1]);
      // The kept prefix is whole code points: the byte after it starts a code point in the base.
      expect(
        previous[delta!.prefixBytes] === undefined || (previous[delta!.prefixBytes] & 0xc0) !== 0x80,
      ).toBe(true);
    }
    expect(read.records[1].delta!.prefixBytes).toBe(utf8.encode('we are all very happy today ').length);
    expect(read.records[3].delta!.prefixBytes).toBe(utf8.encode('we are all very happy today 😃 caf').length);
    // A text that is a prefix of its base (a revision that shortens): empty suffix.
    expect(read.records[5].delta!.suffixBytes).toBe(0);
  });

  it('writes a revision that is not an extension of the previous text in full', () => {
    const records = [
      partialOf('s-r', 1, 0, 'the quarterly budget review'),
      partialOf('s-r', 2, 0, 'a different hypothesis entirely'),
      partialOf('s-r', 3, 0, 'a different hypothesis entirely, now longer'),
      partialOf('s-r', 4, 0, 'the'),
    ];
    const { read } = writeAndRead(records);
    expect(read.records.map((r) => r.record)).toEqual(records);
    expect(read.records.map((r) => r.delta?.prefixBytes ?? null)).toEqual([null, null, 31, null]);
  });

  it('keeps separate chains for utterances interleaved across sessions', () => {
    const a = growing('s-a', 1, 0, WORDS.slice(0, 10));
    const b = growing('s-b', 5, 0, WORDS.slice(3, 13));
    const c = growing('s-a', 11, 1, WORDS.slice(6, 14)); // same session as a, next utterance
    // Session a's utterances 0 and 1 open at once, interleaved with session b's.
    const records: WalRecord[] = [];
    for (let i = 0; i < 10; i++) records.push(a[i], b[i], ...(i < c.length ? [c[i]] : []));
    const { read } = writeAndRead(records);
    expect(read.skipped).toEqual([]);
    expect(read.records.map((r) => r.record)).toEqual(records);
    for (const [i, { record, delta }] of read.records.entries()) {
      if (!delta || record.type !== 'partial') continue;
      // The base is the previous partial of the same session and utterance, not of the previous frame.
      const previous = records
        .slice(0, i)
        .filter(
          (r) => r.sessionId === record.sessionId && r.type === 'partial' && r.utterance === record.utterance,
        )
        .at(-1)!;
      expect(delta.baseSeq).toBe(previous.seq);
    }
    expect(read.records.filter((r) => r.delta).length).toBeGreaterThan(10);
  });

  it('reads back the realistic sample stream exactly, with most partials as deltas', () => {
    const records = sampleRecords({ seed: 21, sessions: 3, utterances: 10 });
    const { read } = writeAndRead(records);
    expect(read.skipped).toEqual([]);
    expect(read.records.map((r) => r.record)).toEqual(records);
    const partials = records.filter((r) => r.type === 'partial').length;
    expect(read.records.filter((r) => r.delta).length).toBeGreaterThan(partials / 2);
  });

  it('writes no deltas with a keyframe interval of 1', () => {
    const records = growing('s-1', 1, 0, WORDS);
    const { bytes, read } = writeAndRead(records, { keyframeInterval: 1 });
    expect(read.records.filter((r) => r.delta)).toEqual([]);
    expect(bytes.length).toBe(records.reduce((sum, r) => sum + encodeFrame(r).length, 0));
  });
});

describe('encoder state', () => {
  it('drops an utterance at its FINAL and a session at SESSION_STOP / SESSION_DELETE', () => {
    const encoder = new SegmentEncoder();
    encoder.encode(partialOf('s-1', 1, 0, 'a long enough text to be a base'));
    encoder.encode(partialOf('s-1', 2, 1, 'another long enough text to be a base'));
    encoder.encode(partialOf('s-2', 1, 0, 'a long enough text to be a base'));
    encoder.encode(partialOf('s-3', 1, 0, 'a long enough text to be a base'));
    expect(encoder.openUtterances).toBe(4);
    encoder.encode({ ...partialOf('s-1', 3, 0, 'x'), type: 'final', endMs: 1, confidence: null });
    expect(encoder.openUtterances).toBe(3);
    encoder.encode({ type: 'session-stop', sessionId: 's-2', seq: 2, at: AT, reason: 'user' });
    expect(encoder.openUtterances).toBe(2);
    encoder.encode({ type: 'session-delete', sessionId: 's-3', seq: 2, at: AT });
    expect(encoder.openUtterances).toBe(1);
    encoder.encode({ type: 'checkpoint', sessionId: 's-1', seq: 4, at: AT, upToSeq: 3, finals: 1 });
    expect(encoder.openUtterances).toBe(1);
    encoder.reset();
    expect(encoder.openUtterances).toBe(0);
    // After reset the next partial is written in full.
    const again = partialOf('s-1', 5, 1, 'another long enough text to be a base, continued');
    expect(encoder.encode(again)).toEqual(encodeFrame(again));
  });

  it('never refers to a base whose seq is not smaller (a retried or reordered seq is written in full)', () => {
    const encoder = new SegmentEncoder();
    const first = partialOf('s-1', 5, 0, 'a long enough text to be a base');
    encoder.encode(first);
    const sameSeq = { ...first, text: `${first.text} and more` };
    expect(encoder.encode(sameSeq)).toEqual(encodeFrame(sameSeq));
    const older = { ...first, seq: 4, text: `${first.text} and more again` };
    expect(encoder.encode(older)).toEqual(encodeFrame(older));
  });

  it('leaves its state unchanged when a record is refused', () => {
    const encoder = new SegmentEncoder();
    const base = partialOf('s-1', 1, 0, 'a long enough text to be a base');
    encoder.encode(base);
    expect(() => encoder.encode({ ...base, seq: 2, at: -1, text: `${base.text}!` })).toThrow(RangeError);
    const next = partialOf('s-1', 3, 0, `${base.text} and more`);
    expect(encoder.encode(next)).toEqual(encodePartialDeltaFrame(next, 1, utf8.encode(base.text).length));
  });

  it('rejects nonsensical options', () => {
    expect(() => new SegmentEncoder({ keyframeInterval: 0 })).toThrow(RangeError);
    expect(() => new SegmentEncoder({ minPrefixBytes: 0 })).toThrow(RangeError);
  });
});

describe('SegmentWriter keeps deltas readable', () => {
  const words = growing('s-w', 1, 0, WORDS.slice(0, 12)).slice(4); // all long enough to share 16 bytes

  it('after a failed write: the next partial does not refer to the frame that never landed', () => {
    const file = new MemoryByteFile();
    const writer = new SegmentWriter(file);
    writer.append(words[0]);
    writer.append(words[1]);
    file.quotaBytes = file.size() + 5;
    expect(() => writer.append(words[2])).toThrow(/quota/);
    file.quotaBytes = Infinity;
    writer.append(words[3]);
    writer.append(words[4]);
    const read = readSegment(file.bytes());
    expect(read.skipped).toEqual([]);
    expect(read.records.map((r) => r.record)).toEqual([words[0], words[1], words[3], words[4]]);
    expect(read.records.map((r) => r.delta?.baseSeq ?? null)).toEqual([
      null,
      words[0].seq,
      null,
      words[3].seq,
    ]);
  });

  it('mixes with appendEncoded frames: their utterances continue with a full partial', () => {
    const file = new MemoryByteFile();
    const writer = new SegmentWriter(file);
    const other = partialOf('s-x', 1, 0, 'a long enough text of another session');
    writer.append(words[0]);
    writer.append(other);
    writer.appendEncoded(encodeFrame(words[1])); // same utterance, written by someone else
    writer.append(words[2]);
    writer.append(words[3]);
    // A concatenation of frames, touching the other session's utterance.
    writer.appendEncoded(
      Uint8Array.from([
        ...encodeFrame({ type: 'checkpoint', sessionId: 's-w', seq: 99, at: AT, upToSeq: 1, finals: 0 }),
        ...encodeFrame({ ...other, seq: 2, text: `${other.text}!` }),
      ]),
    );
    writer.append({ ...other, seq: 3, text: `${other.text}!?` });
    writer.append(words[4]);
    const read = readSegment(file.bytes());
    expect(read.skipped).toEqual([]);
    expect(read.records.map((r) => r.record.seq)).toEqual([5, 1, 6, 7, 8, 99, 2, 3, 9]);
    expect(read.records.map((r) => r.delta?.baseSeq ?? null)).toEqual([
      null,
      null,
      null,
      null,
      7,
      null,
      null,
      null,
      8,
    ]);
  });

  it('mixes with appendEncoded bytes it cannot parse by forgetting everything', () => {
    const file = new MemoryByteFile();
    const writer = new SegmentWriter(file);
    writer.append(words[0]);
    writer.appendEncoded(Uint8Array.from([1, 2, 3]));
    writer.append(words[1]);
    const read = readSegment(file.bytes());
    expect(read.records.map((r) => r.record)).toEqual([words[0], words[1]]);
    expect(read.records[1].delta).toBeUndefined();
  });

  it('resuming a segment after a torn tail starts with fresh state (bases only from this writer)', () => {
    const file = new MemoryByteFile();
    const first = new SegmentWriter(file);
    for (const p of words.slice(0, 4)) first.append(p);
    const torn = file.bytes().subarray(0, file.size() - 3);
    const resumedFile = new MemoryByteFile(torn);
    const { validEnd } = readSegment(torn);
    const resumed = new SegmentWriter(resumedFile, validEnd);
    resumed.append(words[4]);
    resumed.append(words[5]);
    const read = readSegment(resumedFile.bytes());
    expect(read.skipped).toEqual([]);
    expect(read.records.map((r) => r.record)).toEqual([...words.slice(0, 3), words[4], words[5]]);
    expect(read.records.map((r) => r.delta?.baseSeq ?? null)).toEqual([
      null,
      words[0].seq,
      words[1].seq,
      null,
      words[4].seq,
    ]);
  });
});

describe('reading deltas whose base is not there', () => {
  const base = partialOf('s-1', 1, 0, 'the base text of this utterance');
  const delta = partialOf('s-1', 2, 0, 'the base text of this utterance, extended');
  const prefix = utf8.encode(base.text).length;
  const deltaFrame = encodePartialDeltaFrame(delta, 1, prefix);

  it('skips a delta without its base as missing-base, an intact frame that keeps validEnd', () => {
    const start = encodeFrame({
      type: 'session-start',
      sessionId: 's-1',
      seq: 0,
      at: AT,
      title: '',
      source: '',
      lang: '',
    });
    const bytes = Uint8Array.from([...start, ...deltaFrame]);
    const read = readSegment(bytes);
    expect(read.records).toHaveLength(1);
    expect(read.skipped).toEqual([
      { offset: start.length, length: deltaFrame.length, reason: 'missing-base' },
    ]);
    expect(read.validEnd).toBe(bytes.length);
    expect(segmentReadViolation(bytes, read)).toBeNull();
  });

  it('skips a delta whose base seq, utterance or session differ, or whose base ended with a FINAL', () => {
    const wrongBase = [
      partialOf('s-1', 0, 0, base.text), // another seq
      partialOf('s-1', 1, 1, base.text), // another utterance
      partialOf('s-2', 1, 0, base.text), // another session
    ];
    for (const other of wrongBase) {
      const read = readSegment(Uint8Array.from([...encodeFrame(other), ...deltaFrame]));
      expect(read.skipped.map((s) => s.reason)).toEqual(['missing-base']);
    }
    const final = encodeFrame({
      ...base,
      seq: 1,
      type: 'final',
      endMs: 5,
      confidence: null,
      utterance: 0,
    } as WalRecord);
    const afterFinal = readSegment(
      Uint8Array.from([...encodeFrame({ ...base, seq: 0 }), ...final, ...deltaFrame]),
    );
    expect(afterFinal.skipped.map((s) => s.reason)).toEqual(['missing-base']);
    const afterStop = readSegment(
      Uint8Array.from([
        ...encodeFrame(base),
        ...encodeFrame({ type: 'session-stop', sessionId: 's-1', seq: 1, at: AT, reason: '' }),
        ...deltaFrame,
      ]),
    );
    expect(afterStop.skipped.map((s) => s.reason)).toEqual(['missing-base']);
    // Control: with the right base it reads.
    expect(
      readSegment(Uint8Array.from([...encodeFrame(base), ...deltaFrame])).records.map((r) => r.record),
    ).toEqual([base, delta]);
  });

  it('skips a delta whose prefix runs past its base or cuts a code point, and the deltas chained on it', () => {
    const emojiBase = partialOf('s-1', 1, 0, 'the base text of this utterance 😀');
    const cut = utf8.encode(emojiBase.text).length - 2; // inside the emoji
    const payload = (prefixBytes: number, suffix: string, seq = 2): Uint8Array => {
      const w = new ByteWriter();
      w.string('s-1');
      w.varint(seq);
      w.varint(AT);
      w.varint(0);
      w.varint(0);
      w.varint(1); // base: the previous seq
      w.varint(prefixBytes);
      w.string(suffix);
      return w.toBytes();
    };
    for (const prefixBytes of [cut, utf8.encode(emojiBase.text).length + 1]) {
      const bad = encodeRawFrame(RecordTypeCode.PARTIAL_DELTA, payload(prefixBytes, 'x'));
      const next = encodeRawFrame(RecordTypeCode.PARTIAL_DELTA, payload(20, 'y', 3));
      const read = readSegment(Uint8Array.from([...encodeFrame(emojiBase), ...bad, ...next]));
      expect(read.records.map((r) => r.record)).toEqual([emojiBase]);
      expect(read.skipped.map((s) => s.reason)).toEqual(['missing-base', 'missing-base']);
    }
  });

  it('never rebuilds a text on a base that a rejected delta may have touched', () => {
    const p1 = partialOf('s-1', 1, 0, 'the base text of this utterance');
    const p2 = partialOf('s-1', 2, 0, 'the base text of this utterance, and more');
    const p4 = partialOf('s-1', 4, 0, 'the base text of this utterance, and more still');
    const w = new ByteWriter();
    w.string('s-1');
    w.varint(3);
    w.varint(AT);
    w.varint(0);
    w.varint(0);
    w.varint(1); // base: seq 2
    w.varint(10); // keeps 'the base t'
    const badSuffix = Uint8Array.from([...w.toBytes(), 6, 0x41, 0x42, 0x43, 0x44, 0xc3, 0x28]);
    const bytes = Uint8Array.from([
      ...encodeFrame(p1),
      ...encodePartialDeltaFrame(p2, 1, utf8.encode(p1.text).length),
      ...encodeRawFrame(RecordTypeCode.PARTIAL_DELTA, badSuffix),
      ...encodePartialDeltaFrame(p4, 2, utf8.encode(p2.text).length),
    ]);
    const read = readSegment(bytes);
    expect(read.records.map((r) => r.record)).toEqual([p1, p2]);
    expect(read.skipped.map((s) => s.reason)).toEqual(['bad-payload', 'missing-base']);
    expect(segmentReadViolation(bytes, read)).toBeNull();
  });

  it('reports malformed delta payloads as bad-payload', () => {
    const fields = (gap: number, suffix: number[], extra: number[] = []): Uint8Array => {
      const w = new ByteWriter();
      w.string('s-1');
      w.varint(2);
      w.varint(AT);
      w.varint(0);
      w.varint(0);
      w.varint(gap);
      w.varint(4);
      return Uint8Array.from([...w.toBytes(), suffix.length, ...suffix, ...extra]);
    };
    const good = encodeRawFrame(RecordTypeCode.PARTIAL_DELTA, fields(1, [0x61]));
    const cases = [
      fields(0, [0x61]), // base gap 0: a delta cannot extend itself
      fields(3, [0x61]), // base seq would be negative
      fields(1, [0xc3, 0x28]), // suffix not UTF-8
      fields(1, [0x61], [0]), // a byte left over
      fields(1, [0x61]).subarray(0, 12), // fields missing
    ];
    const baseFrame = encodeFrame(partialOf('s-1', 1, 0, 'abcdefgh'));
    expect(readSegment(Uint8Array.from([...baseFrame, ...good])).records[1].record).toMatchObject({
      text: 'abcda',
    });
    for (const bad of cases) {
      const frame = encodeRawFrame(RecordTypeCode.PARTIAL_DELTA, bad);
      const read = readSegment(Uint8Array.from([...baseFrame, ...frame]));
      expect(read.skipped).toEqual([
        { offset: baseFrame.length, length: frame.length, reason: 'bad-payload' },
      ]);
    }
  });
});
