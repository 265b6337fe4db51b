import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { openApp, startDemo, waitUntilIdle } from './helpers-app/app.ts';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

test('Download diagnostics gives the raw WAL segments, readable by the wal CLI', async ({ page }) => {
  await openApp(page);
  await startDemo(page, { file: { name: 'diag.txt', text: 'diagnostic words here\nand a second line\n' } });
  await waitUntilIdle(page);

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download diagnostics' }).first().click(),
  ]);
  const dir = mkdtempSync(join(tmpdir(), 'sv-e2e-diag-'));
  try {
    const saved = join(dir, download.suggestedFilename());
    await download.saveAs(saved);
    let walFiles: string[];
    if (saved.endsWith('.tar')) {
      execFileSync('tar', ['-xf', saved, '-C', dir]);
      walFiles = filesUnder(dir).filter((f) => f.endsWith('.wal') && relative(dir, f).startsWith('wal'));
    } else {
      walFiles = [saved];
    }
    expect(walFiles.length).toBeGreaterThan(0);
    const cli = (args: string[]) =>
      execFileSync('npx', ['tsx', 'tools/wal-cli.ts', ...args], { encoding: 'utf8' });
    const inspected = cli(['inspect', ...walFiles]);
    expect(inspected).toMatch(/session-start/);
    expect(inspected).toContain('diagnostic words here');
    cli(['verify', ...walFiles]); // throws on a non-zero exit (corruption)
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
