import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryByteFile, type ByteFile } from '../src/core/byte-file.ts';
import { readSegmentFile } from '../src/core/framing.ts';
import { SegmentWriter } from '../src/core/segment-writer.ts';
import { FsByteFile } from '../tools/fs-byte-file.ts';
import { mulberry32, sampleRecords } from './helpers/sample-records.ts';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fs-byte-file-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const bytesOf = (...values: number[]): Uint8Array => Uint8Array.from(values);

describe('FsByteFile', () => {
  it('matches MemoryByteFile for the same sequence of writes, reads and truncates', () => {
    const mem = new MemoryByteFile();
    const disk = FsByteFile.open(path.join(dir, 'a.bin'), 'create');
    const both = (op: (f: ByteFile) => unknown): void => {
      const expected = op(mem);
      expect(op(disk)).toEqual(expected);
      expect(disk.size()).toBe(mem.size());
      expect(disk.read(0, disk.size())).toEqual(mem.bytes());
    };
    both((f) => f.size());
    both((f) => f.write(0, bytesOf(1, 2, 3, 4)));
    both((f) => f.write(10, bytesOf(9, 9))); // past the end: zero-filled gap
    both((f) => f.read(2, 6));
    both((f) => f.write(2, bytesOf(7, 7, 7))); // overwrite in the middle
    both((f) => f.read(8, 100)); // short read at the end
    both((f) => f.read(50, 4)); // beyond the end: empty
    both((f) => f.read(0, 0));
    both((f) => f.truncate(5));
    both((f) => f.truncate(9)); // growing truncate zero-fills
    both((f) => f.write(0, new Uint8Array(0)));
    both((f) => f.flush());
    // A larger random workload.
    const rand = mulberry32(5);
    for (let i = 0; i < 200; i++) {
      const offset = Math.floor(rand() * 3000);
      const choice = rand();
      if (choice < 0.6) {
        const data = Uint8Array.from({ length: Math.floor(rand() * 300) }, () => Math.floor(rand() * 256));
        both((f) => f.write(offset, data));
      } else if (choice < 0.9) {
        const length = Math.floor(rand() * 500);
        both((f) => f.read(offset, length));
      } else {
        both((f) => f.truncate(offset));
      }
    }
    disk.close();
  });

  it('persists across reopen and "create" keeps existing contents', () => {
    const file = path.join(dir, 'b.bin');
    const first = FsByteFile.open(file, 'create');
    first.write(0, bytesOf(1, 2, 3));
    first.write(3, bytesOf(4));
    first.flush();
    first.close();
    const again = FsByteFile.open(file, 'create');
    expect(again.read(0, 10)).toEqual(bytesOf(1, 2, 3, 4));
    // Writes go to the given offset, not to the end (no O_APPEND).
    again.write(0, bytesOf(8));
    again.close();
    expect(new Uint8Array(fs.readFileSync(file))).toEqual(bytesOf(8, 2, 3, 4));
  });

  it('opens read-only files for reading only and fails clearly on missing files', () => {
    const file = path.join(dir, 'c.bin');
    fs.writeFileSync(file, bytesOf(5, 6));
    const ro = FsByteFile.open(file, 'r');
    expect(ro.read(0, 2)).toEqual(bytesOf(5, 6));
    expect(() => ro.write(0, bytesOf(1))).toThrow(/read-only/);
    expect(() => ro.truncate(0)).toThrow(/read-only/);
    ro.close();
    ro.close(); // idempotent
    expect(() => ro.size()).toThrow(/closed/);
    expect(() => FsByteFile.open(path.join(dir, 'missing.wal'), 'r')).toThrow(/ENOENT/);
    expect(() => FsByteFile.open(path.join(dir, 'missing.wal'), 'rw')).toThrow(/ENOENT/);
  });

  it('carries a segment written by SegmentWriter that reads back intact', () => {
    const records = sampleRecords({ seed: 21, sessions: 2, utterances: 4 });
    const file = path.join(dir, '1.wal');
    const writer = new SegmentWriter(FsByteFile.open(file, 'create'));
    for (const record of records) writer.append(record);
    writer.close();
    // Byte-identical to the same records appended to an in-memory file (delta frames included).
    const inMemory = new MemoryByteFile();
    const memoryWriter = new SegmentWriter(inMemory);
    for (const record of records) memoryWriter.append(record);
    expect(new Uint8Array(fs.readFileSync(file))).toEqual(inMemory.bytes());
    const reader = FsByteFile.open(file, 'r');
    const result = readSegmentFile(reader);
    reader.close();
    expect(result.skipped).toEqual([]);
    expect(result.records.map((r) => r.record)).toEqual(records);
  });
});
