/**
 * Privacy deletion in real Chromium: a session whose text holds a unique marker is deleted through the
 * UI, the browser is closed (so every store is flushed to disk), and every file in the profile
 * directory — OPFS backing files, IndexedDB/LevelDB, everything — is scanned for the marker as UTF-8
 * and UTF-16. Before the deletion the same scan must find it, so the scan is known to see OPFS data.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import {
  filesContaining,
  launchVault,
  newAppPage,
  newProfileDir,
  openApp,
  opfsDir,
  prng,
  removeProfileDir,
  scriptLines,
  startDemo,
  writeReplayFile,
  type Vault,
} from './helpers/vault.ts';

test.describe.configure({ mode: 'parallel' });
// These tests launch their own persistent contexts (and kill them): Playwright's per-test tracing of
// contexts it did not create only gets in the way.
test.use({ trace: 'off' });

function markerLines(marker: string, seed: number): string[] {
  const lines = scriptLines(prng(seed), 12, `p${seed}`);
  return lines.map((l, i) => (i % 3 === 1 ? `${l} ${marker} said twice ${marker}` : l));
}

async function deleteInUi(page: Page, titlePart: string): Promise<void> {
  const item = page
    .getByRole('list', { name: 'Sessions' })
    .getByRole('listitem')
    .filter({ hasText: titlePart });
  await item.getByRole('button', { name: 'Delete', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(
    page.getByRole('list', { name: 'Sessions' }).getByRole('listitem').filter({ hasText: titlePart }),
  ).toHaveCount(0);
}

async function closeAndScan(vault: Vault, marker: string): Promise<string[]> {
  await vault.context.close();
  return filesContaining(vault.profileDir, marker);
}

test('a deleted session leaves no byte of its text anywhere in the profile', async () => {
  const profileDir = await newProfileDir('privacy');
  const scripts = await mkdtemp(join(tmpdir(), 'sv-e2e-scripts-'));
  const marker = `MRK${Date.now().toString(36)}Q${Math.floor(Math.random() * 1e9).toString(36)}`;
  const vault = await launchVault(profileDir);
  try {
    const page = await openApp(vault);
    const secret = await writeReplayFile(scripts, 'first.txt', markerLines(marker, 1));
    const other = await writeReplayFile(scripts, 'second.txt', scriptLines(prng(2), 6, 'keep'));
    for (const file of [secret, other]) {
      const before = vault.acks.length;
      await startDemo(page, file);
      await expect
        .poll(() => vault.acks.slice(before).some((a) => a.type === 'session-stop'), { timeout: 60_000 })
        .toBe(true);
    }
    // The scan sees OPFS data: the marker is on disk before the deletion.
    expect(filesContaining(opfsDir(profileDir), marker).length).toBeGreaterThan(0);

    await deleteInUi(page, 'first.txt');
    await expect(
      page.getByRole('list', { name: 'Sessions' }).getByRole('listitem').filter({ hasText: 'second.txt' }),
    ).toHaveCount(1);
    expect(await closeAndScan(vault, marker)).toEqual([]);
  } finally {
    await vault.context.close().catch(() => undefined);
    await removeProfileDir(profileDir);
    await rm(scripts, { recursive: true, force: true });
  }
});

test('deleting a session that another tab is recording stops it there and erases it everywhere', async () => {
  const profileDir = await newProfileDir('privacy2');
  const scripts = await mkdtemp(join(tmpdir(), 'sv-e2e-scripts-'));
  const marker = `MRK${Date.now().toString(36)}Z${Math.floor(Math.random() * 1e9).toString(36)}`;
  const vault = await launchVault(profileDir);
  try {
    const recording = await openApp(vault);
    const lines = markerLines(marker, 3).concat(scriptLines(prng(4), 200, 'tail'));
    await startDemo(recording, await writeReplayFile(scripts, 'live.txt', lines));
    await expect.poll(() => vault.acks.filter((a) => a.text?.includes(marker)).length).toBeGreaterThan(2);
    expect(filesContaining(opfsDir(profileDir), marker).length).toBeGreaterThan(0);

    const other = await newAppPage(vault);
    await deleteInUi(other, 'live.txt');
    // The recording tab's session is gone from its list too (BroadcastChannel), and nothing of it is left.
    await expect(
      recording.getByRole('list', { name: 'Sessions' }).getByRole('listitem').filter({ hasText: 'live.txt' }),
    ).toHaveCount(0);
    expect(filesContaining(opfsDir(profileDir), marker)).toEqual([]);
    expect(await closeAndScan(vault, marker)).toEqual([]);
  } finally {
    await vault.context.close().catch(() => undefined);
    await removeProfileDir(profileDir);
    await rm(scripts, { recursive: true, force: true });
  }
});
