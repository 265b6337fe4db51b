/**
 * The WAL CLI on real segments written through FsByteFile + SegmentWriter in a temp dir: end to end
 * as a child process (what `npm run wal` runs), and argument handling through main() in-process.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compactRecords } from '../src/core/compact.ts';
import { MemoryByteFile } from '../src/core/byte-file.ts';
import { readSegment } from '../src/core/framing.ts';
import type { WalRecord } from '../src/core/records.ts';
import { SegmentWriter } from '../src/core/segment-writer.ts';
import { FsByteFile } from '../tools/fs-byte-file.ts';
import { main } from '../tools/wal-cli.ts';
import { sampleRecords } from './helpers/sample-records.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
let dir: string;
let records: WalRecord[];
let cleanPath: string;
let damagedPath: string;
let damagedIndex: number;
let damagedOffset: number;
let damagedLength: number;

function runCli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'tools/wal-cli.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function runMain(...args: string[]): { status: number; stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const status = main(
    args,
    (l) => stdout.push(l),
    (l) => stderr.push(l),
  );
  return { status, stdout, stderr };
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wal-cli-'));
  records = sampleRecords({ seed: 31, sessions: 3, utterances: 6 });
  // The second session gets deleted at the end.
  const deletedId = records[1].sessionId;
  records.push({ type: 'session-delete', sessionId: deletedId, seq: 1000, at: records.at(-1)!.at + 10 });
  cleanPath = path.join(dir, '1.wal');
  const writer = new SegmentWriter(FsByteFile.open(cleanPath, 'create'));
  const appended = records.map((record) => writer.append(record));
  writer.close();
  // A copy with one byte damaged inside the first FINAL (never a delta's base: only it is lost).
  damagedIndex = records.findIndex((r) => r.type === 'final');
  const bytes = new Uint8Array(fs.readFileSync(cleanPath));
  damagedOffset = appended[damagedIndex].offset;
  damagedLength = appended[damagedIndex].length;
  bytes[damagedOffset + 20] ^= 0x40;
  damagedPath = path.join(dir, 'damaged.wal');
  fs.writeFileSync(damagedPath, bytes);
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('wal CLI as a child process', () => {
  it('verify: exit 0 on a clean segment, 1 with the damaged range on a corrupted copy', () => {
    const clean = runCli('verify', cleanPath);
    expect(clean.stderr).toBe('');
    expect(clean.status).toBe(0);
    expect(clean.stdout).toContain(`${cleanPath}: OK (${records.length} records`);

    const damaged = runCli('verify', cleanPath, damagedPath);
    expect(damaged.status).toBe(1);
    expect(damaged.stdout).toContain(`${damagedPath}: DAMAGED (${records.length - 1} records`);
    expect(damaged.stdout).toContain(`1 skipped ranges, ${damagedLength} bytes`);
    expect(damaged.stdout).toContain(`offset ${damagedOffset}: ${damagedLength} bytes skipped (bad-crc)`);
  });

  it('inspect --json: one JSON object per record and per skipped range', () => {
    const result = runCli('inspect', damagedPath, '--json');
    expect(result.status).toBe(0);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(records.length);
    expect(lines[damagedIndex]).toEqual({
      file: damagedPath,
      offset: damagedOffset,
      length: damagedLength,
      skipped: 'bad-crc',
    });
    expect(lines.filter((l) => l.record).map((l) => l.record)).toEqual(
      records.filter((_, i) => i !== damagedIndex),
    );
    // Partials stored as PARTIAL_DELTA frames come back whole, marked with what the frame held.
    const deltas = lines.filter((l) => l.delta);
    expect(deltas.length).toBeGreaterThan(0);
    for (const line of deltas) {
      expect(line.record.type).toBe('partial');
      const { baseSeq, prefixBytes, suffixBytes } = line.delta;
      expect(baseSeq).toBeLessThan(line.record.seq);
      expect(prefixBytes + suffixBytes).toBe(new TextEncoder().encode(line.record.text).length);
    }
  });

  it('compact: writes a clean segment equal to compactRecords of the input', () => {
    const out = path.join(dir, 'compacted.wal');
    const result = runCli('compact', cleanPath, '--out', out);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const expected = compactRecords(records);
    expect(expected.length).toBeLessThan(records.length / 3);
    expect(result.stdout).toContain(`${expected.length} of ${records.length} records kept`);
    const compacted = new Uint8Array(fs.readFileSync(out));
    const read = readSegment(compacted);
    expect(read.skipped).toEqual([]);
    expect(read.records.map((r) => r.record)).toEqual(expected);
    // Written as the app writes a segment: the same frames (full or delta) as a SegmentWriter's.
    const reference = new MemoryByteFile();
    const writer = new SegmentWriter(reference, 0);
    for (const record of expected) writer.append(record);
    expect(compacted).toEqual(reference.bytes());
    expect(fs.readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('exits 2 with a clear message for a missing file and with usage for bad arguments', () => {
    const missing = runCli('verify', path.join(dir, 'nope.wal'));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain(`wal: cannot read ${path.join(dir, 'nope.wal')}: no such file`);
    const bad = runCli('frobnicate', cleanPath);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("unknown command 'frobnicate'");
    expect(bad.stderr).toContain('Usage: npm run wal');
  });
});

describe('wal CLI commands in-process', () => {
  it('inspect: one line per record and per skipped range, in file order', () => {
    const { status, stdout } = runMain('inspect', damagedPath);
    expect(status).toBe(0);
    expect(stdout[0]).toMatch(/^# .*damaged\.wal: \d+ bytes, \d+ records, 1 skipped$/);
    const body = stdout.slice(1);
    expect(body).toHaveLength(records.length);
    expect(body[0]).toMatch(/^\s+0 session-start\s+s-\S+ #0 \d{4}-\d\d-\d\dT[\d:.]+Z title=/);
    expect(body[damagedIndex]).toBe(
      `${String(damagedOffset).padStart(9)} SKIPPED        ${damagedLength} bytes (bad-crc)`,
    );
    expect(body.filter((l) => / final /.test(l))[0]).toMatch(/utt=0 \d+-\d+ms conf=[\d.-]+ ".+"$/);
    // A partial stored as a delta frame is still a partial, with its base and stored bytes noted.
    const deltaLines = body.filter((l) => l.includes('(delta base='));
    expect(deltaLines.length).toBeGreaterThan(0);
    for (const line of deltaLines)
      expect(line).toMatch(/ partial +s-\S+ #\d+ .* \(delta base=#\d+, \+\d+ bytes\) ".*"$/);
    // Long texts are cut to 60 characters.
    expect(body.every((l) => l.length < 260)).toBe(true);
  });

  it('stats: records by type, sessions with status, bytes', () => {
    const { status, stdout } = runMain('stats', cleanPath);
    expect(status).toBe(0);
    const text = stdout.join('\n');
    const count = (type: string) => records.filter((r) => r.type === type).length;
    expect(text).toContain(`records: ${records.length}`);
    expect(text).toMatch(new RegExp(`partial +${count('partial')}\\n`));
    expect(text).toMatch(new RegExp(`final +${count('final')}\\n`));
    expect(text).toContain('sessions: 3 (2 live, 1 deleted)');
    expect(text).toContain(`${records[1].sessionId}: deleted;`);
    expect(text).toContain(`${records[0].sessionId}: stopped; 6 finals`);
    const size = fs.statSync(cleanPath).size;
    const payload = size - records.length * 12;
    expect(text).toContain(
      `bytes: ${size} total, ${payload} payload, ${records.length * 12} frame overhead, 0 skipped`,
    );
    const read = readSegment(new Uint8Array(fs.readFileSync(cleanPath)));
    const deltas = read.records.filter((r) => r.delta);
    expect(deltas.length).toBeGreaterThan(0);
    const deltaBytes = deltas.reduce((sum, r) => sum + r.length, 0);
    expect(text).toContain(`partials stored as deltas: ${deltas.length} frames, ${deltaBytes} bytes`);
  });

  it('rejects bad arguments with usage and status 2', () => {
    for (const args of [
      [],
      ['inspect'],
      ['verify', '--json', cleanPath],
      ['compact', cleanPath],
      ['compact', cleanPath, '--out'],
      ['stats', '--bogus', cleanPath],
    ]) {
      const { status, stderr } = runMain(...args);
      expect(status, args.join(' ')).toBe(2);
      expect(stderr.join('\n')).toContain('Usage: npm run wal');
    }
    expect(runMain('--help').status).toBe(0);
  });

  it('reports a directory or unreadable path instead of crashing', () => {
    const { status, stderr } = runMain('verify', dir);
    expect(status).toBe(2);
    expect(stderr[0]).toContain(`wal: cannot read ${dir}:`);
  });

  it('reads several files as one WAL for stats and accepts file names after --', () => {
    const { status, stdout } = runMain('stats', '--', cleanPath, cleanPath);
    expect(status).toBe(0);
    expect(stdout[0]).toBe(`records: ${records.length * 2}`);
  });
});
