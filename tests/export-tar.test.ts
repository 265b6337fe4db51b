import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTar } from '../src/export/tar.ts';

const dir = mkdtempSync(join(tmpdir(), 'sv-tar-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function headerChecksumOk(block: Uint8Array): boolean {
  const stored = parseInt(new TextDecoder().decode(block.subarray(148, 154)), 8);
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!;
  return stored === sum;
}

describe('createTar', () => {
  const long = `wal/${'w'.repeat(90)}/${'0'.repeat(20)}.wal`;
  const entries = [
    { path: 'wal/writer-a/000001.wal', bytes: new Uint8Array([0, 1, 2, 255]), mtime: Date.UTC(2026, 0, 1) },
    { path: 'sessions/empty.wal', bytes: new Uint8Array(0) },
    { path: long, bytes: new Uint8Array(1025).map((_, i) => i % 251) },
  ];
  const tar = createTar(entries);

  it('lays out 512-byte blocks with valid checksums and two closing zero blocks', () => {
    expect(tar.length).toBe(512 + 512 + 512 + 512 + 3 * 512 + 1024);
    expect(headerChecksumOk(tar.subarray(0, 512))).toBe(true);
    expect(tar.subarray(tar.length - 1024).every((b) => b === 0)).toBe(true);
  });

  it('is read back byte for byte by the system tar', () => {
    const file = join(dir, 'diag.tar');
    writeFileSync(file, tar);
    const listing = execFileSync('tar', ['-tf', file], { encoding: 'utf8' }).trim().split('\n');
    expect(listing).toEqual(entries.map((e) => e.path));
    execFileSync('tar', ['-xf', file, '-C', dir]);
    for (const e of entries) expect(new Uint8Array(readFileSync(join(dir, e.path)))).toEqual(e.bytes);
  });

  it('refuses paths it cannot encode', () => {
    expect(() => createTar([{ path: 'x'.repeat(300), bytes: new Uint8Array(1) }])).toThrow(/too long/);
  });
});
