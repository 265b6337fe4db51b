import CRC32 from 'crc-32';
import { describe, expect, it } from 'vitest';
import { MemoryByteFile, type ByteFile } from '../src/core/byte-file.ts';
import {
  FRAME_HEADER_BYTES,
  MAX_PAYLOAD_BYTES,
  WAL_FORMAT_VERSION,
  encodeFrame,
  encodeFrameTransient,
  encodeFrames,
  readSegment,
  readSegmentFile,
} from '../src/core/framing.ts';
import { RecordTypeCode, type WalRecord } from '../src/core/records.ts';
import { SegmentEncoder } from '../src/core/segment-encoder.ts';
import { SegmentWriter } from '../src/core/segment-writer.ts';
import { sampleRecords } from './helpers/sample-records.ts';

const partial: WalRecord = {
  type: 'partial',
  sessionId: 's-1',
  seq: 3,
  at: 1_763_900_000_000,
  utterance: 0,
  startMs: 250,
  text: 'hello wor',
};

describe('frame layout (docs/WAL-FORMAT.md)', () => {
  it('has magic, CRC, version, type and length in a 12-byte little-endian header', () => {
    const frame = encodeFrame(partial);
    const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
    expect(FRAME_HEADER_BYTES).toBe(12);
    expect([frame[0], frame[1]]).toEqual([0xc1, 0xf7]);
    expect(frame[6]).toBe(WAL_FORMAT_VERSION);
    expect(frame[7]).toBe(RecordTypeCode.PARTIAL);
    const length = view.getUint32(8, true);
    expect(length).toBe(frame.length - FRAME_HEADER_BYTES);
    // CRC-32 (IEEE) of version..end of payload, checked with the library directly.
    expect(view.getUint32(2, true)).toBe(CRC32.buf(frame.subarray(6)) >>> 0);
    // Payload: sessionId, seq, at, utterance, startMs, text.
    const payload = [...frame.subarray(FRAME_HEADER_BYTES)];
    const at = [0x80, 0x8e, 0x88, 0x85, 0xab, 0x33]; // 1_763_900_000_000 in LEB128
    const text = [...new TextEncoder().encode('hello wor')];
    expect(payload).toEqual([3, 0x73, 0x2d, 0x31, 3, ...at, 0, 0xfa, 0x01, 9, ...text]);
  });

  it('uses a magic that cannot occur in UTF-8 text', () => {
    // 0xC1 (over-long lead byte) and 0xF7 (beyond U+10FFFF) are never valid in UTF-8.
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from([0xc1, 0xf7]))).toThrow();
  });

  it('reads back offsets and lengths that tile the segment', () => {
    const records = sampleRecords({ seed: 5, sessions: 2, utterances: 3 });
    const bytes = encodeFrames(records);
    const result = readSegment(bytes);
    expect(result.records.map((r) => r.record)).toEqual(records);
    expect(result.skipped).toEqual([]);
    expect(result.validEnd).toBe(bytes.length);
    expect(result.totalBytes).toBe(bytes.length);
    let offset = 0;
    for (const framed of result.records) {
      expect(framed.offset).toBe(offset);
      expect(bytes.subarray(offset, offset + framed.length)).toEqual(encodeFrame(framed.record));
      offset += framed.length;
    }
  });

  it('encodes transient frames identical to owned ones, in a buffer the next call reuses', () => {
    const owned = encodeFrame(partial);
    const transient = encodeFrameTransient(partial);
    expect(transient).toEqual(owned);
    const other = encodeFrameTransient({ ...partial, seq: 9 });
    expect(other.buffer).toBe(transient.buffer); // hence: write it at once, never keep it
    expect(encodeFrame(partial)).toEqual(owned);
  });

  it('reads an empty segment as empty and clean', () => {
    expect(readSegment(new Uint8Array(0))).toEqual({ records: [], skipped: [], validEnd: 0, totalBytes: 0 });
  });

  it('treats a length above MAX_PAYLOAD_BYTES as corruption without reading that far', () => {
    const frame = encodeFrame(partial);
    new DataView(frame.buffer).setUint32(8, MAX_PAYLOAD_BYTES + 1, true);
    const after = encodeFrame({ ...partial, seq: 4 });
    const result = readSegment(Uint8Array.from([...frame, ...after]));
    expect(result.skipped).toEqual([{ offset: 0, length: frame.length, reason: 'bad-length' }]);
    expect(result.records.map((r) => r.record.seq)).toEqual([4]);
  });

  it('reads a segment through a ByteFile', () => {
    const records = sampleRecords({ seed: 6, sessions: 1, utterances: 2 });
    const file = new MemoryByteFile(encodeFrames(records));
    expect(readSegmentFile(file).records.map((r) => r.record)).toEqual(records);
  });

  it('works on a subarray of a larger buffer (non-zero byteOffset)', () => {
    const frame = encodeFrame(partial);
    const padded = new Uint8Array(frame.length + 10);
    padded.set(frame, 7);
    const result = readSegment(padded.subarray(7, 7 + frame.length));
    expect(result.records.map((r) => r.record)).toEqual([partial]);
  });
});

/** A MemoryByteFile that records every write() and can fail the next one halfway. */
class SpyFile extends MemoryByteFile {
  writes: Array<{ offset: number; length: number }> = [];
  failNextWriteAfter: number | null = null;

  override write(offset: number, data: Uint8Array): number {
    if (this.failNextWriteAfter !== null) {
      const torn = this.failNextWriteAfter;
      this.failNextWriteAfter = null;
      super.write(offset, data.subarray(0, torn)); // the part that reached the disk before the error
      const error = new Error('disk full');
      error.name = 'QuotaExceededError';
      throw error;
    }
    this.writes.push({ offset, length: data.length });
    return super.write(offset, data);
  }
}

describe('SegmentWriter', () => {
  it('appends each record with exactly one write() and returns its offset and length', () => {
    const file = new SpyFile();
    const writer = new SegmentWriter(file);
    const records = sampleRecords({ seed: 7, sessions: 1, utterances: 2 });
    const results = records.map((r) => writer.append(r));
    expect(file.writes).toEqual(results);
    // The frames are the segment encoder's (partials extending their predecessor become deltas).
    const encoder = new SegmentEncoder();
    const frames = records.map((r) => encoder.encode(r));
    let offset = 0;
    for (const [i, result] of results.entries()) {
      expect(result).toEqual({ offset, length: frames[i].length });
      offset += result.length;
    }
    expect(writer.size).toBe(offset);
    expect(file.bytes()).toEqual(Uint8Array.from(frames.flatMap((f) => [...f])));
    expect(readSegment(file.bytes()).records.map((r) => r.record)).toEqual(records);
  });

  it('appends pre-encoded frames', () => {
    const file = new MemoryByteFile();
    const writer = new SegmentWriter(file);
    const frame = encodeFrame(partial);
    expect(writer.appendEncoded(frame)).toEqual({ offset: 0, length: frame.length });
    expect(writer.appendEncoded(frame)).toEqual({ offset: frame.length, length: frame.length });
    expect(readSegment(file.bytes()).records).toHaveLength(2);
  });

  it('continues an existing segment at its end by default', () => {
    const first = encodeFrame(partial);
    const file = new MemoryByteFile(first);
    const writer = new SegmentWriter(file);
    expect(writer.size).toBe(first.length);
    expect(writer.append({ ...partial, seq: 4 }).offset).toBe(first.length);
    expect(readSegment(file.bytes()).records.map((r) => r.record.seq)).toEqual([3, 4]);
  });

  it('resumes at validEnd after a torn tail, cutting the torn bytes away', () => {
    const whole = encodeFrames([partial, { ...partial, seq: 4 }]);
    const torn = whole.subarray(0, whole.length - 5);
    const file = new MemoryByteFile(torn);
    const { validEnd, skipped } = readSegmentFile(file);
    expect(skipped.map((s) => s.reason)).toEqual(['torn-tail']);
    const writer = new SegmentWriter(file, validEnd);
    writer.append({ ...partial, seq: 5 });
    const result = readSegment(file.bytes());
    expect(result.skipped).toEqual([]);
    expect(result.records.map((r) => r.record.seq)).toEqual([3, 5]);
    expect(() => new SegmentWriter(file, file.size() + 1)).toThrow(RangeError);
    expect(() => new SegmentWriter(file, -1)).toThrow(RangeError);
  });

  it('on a failed write keeps its offset, removes the torn frame and rethrows the original error', () => {
    const file = new SpyFile();
    const writer = new SegmentWriter(file);
    writer.append(partial);
    const sizeBefore = writer.size;
    file.failNextWriteAfter = 7;
    let caught: unknown;
    try {
      writer.append({ ...partial, seq: 4 });
    } catch (error) {
      caught = error;
    }
    expect((caught as Error).name).toBe('QuotaExceededError');
    expect(writer.size).toBe(sizeBefore);
    expect(file.size()).toBe(sizeBefore);
    // The retry lands where the failed frame would have, and the segment reads clean.
    expect(writer.append({ ...partial, seq: 4 }).offset).toBe(sizeBefore);
    const result = readSegment(file.bytes());
    expect(result.skipped).toEqual([]);
    expect(result.records.map((r) => r.record.seq)).toEqual([3, 4]);
  });

  it('with a quota that blocks growth, nothing already stored is lost', () => {
    const file = new MemoryByteFile();
    const writer = new SegmentWriter(file);
    writer.append(partial);
    file.quotaBytes = file.size() + 5;
    expect(() => writer.append({ ...partial, seq: 4 })).toThrow(/quota/);
    expect(readSegment(file.bytes()).records.map((r) => r.record)).toEqual([partial]);
  });

  it('rethrows the write error even when the rollback truncate fails too', () => {
    const file = new SpyFile();
    const writer = new SegmentWriter(file);
    file.failNextWriteAfter = 3;
    file.truncate = () => {
      throw new Error('truncate failed');
    };
    expect(() => writer.append(partial)).toThrow('disk full');
    expect(writer.size).toBe(0);
  });

  it('flushes through to the file, and close() flushes once and closes', () => {
    const file = new MemoryByteFile();
    const writer = new SegmentWriter(file);
    writer.append(partial);
    writer.flush();
    expect(file.flushCount).toBe(1);
    writer.close();
    writer.close();
    expect(file.flushCount).toBe(2);
    expect(file.closed).toBe(true);
    expect(() => writer.append(partial)).toThrow(/closed/);
    expect(() => writer.flush()).toThrow(/closed/);
  });

  it('rejects a short write as a failure', () => {
    class ShortWriteFile extends MemoryByteFile {
      override write(offset: number, data: Uint8Array): number {
        return super.write(offset, data.subarray(0, 4));
      }
    }
    const file: ByteFile & MemoryByteFile = new ShortWriteFile();
    const writer = new SegmentWriter(file);
    expect(() => writer.append(partial)).toThrow(/short write/);
    expect(writer.size).toBe(0);
    expect(file.size()).toBe(0);
  });
});
