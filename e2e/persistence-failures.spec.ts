/**
 * Failure handling in real Chromium on persistent profiles: a WAL damaged on disk between runs, two
 * tabs recording at once with one of them crashing, and a tiny storage quota.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { readSegment } from '../src/core/framing.ts';
import {
  assertRecovered,
  crashRenderer,
  killBrowser,
  launchVault,
  newAppPage,
  newProfileDir,
  openApp,
  opfsDir,
  prng,
  readSessionInUi,
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

/** OPFS backing files that start with a SESSION_START frame (in these tests: the open WAL segment). */
function walSegmentsOnDisk(profileDir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      const st = statSync(path);
      if (st.isDirectory()) walk(path);
      else if (st.size > 12) {
        const first = readSegment(readFileSync(path)).records[0];
        if (first?.offset === 0 && first.record.type === 'session-start') out.push(path);
      }
    }
  };
  walk(opfsDir(profileDir));
  return out;
}

function sessionIdOf(vault: Vault, before: number): string | undefined {
  return vault.acks.slice(before).find((a) => a.type === 'session-start')?.sessionId;
}

test('a WAL segment damaged on disk between runs: the app starts, recovers what is intact and says what it skipped', async () => {
  const profileDir = await newProfileDir('corrupt');
  let vault = await launchVault(profileDir);
  try {
    const lines = scriptLines(prng(7), 80, 'dmg');
    const file = await writeReplayFile(profileDir, 'damaged.txt', lines);
    const page = await openApp(vault);
    await startDemo(page, file);
    await expect.poll(() => vault.acks.filter((a) => a.type === 'final').length).toBeGreaterThanOrEqual(8);
    const sessionId = sessionIdOf(vault, 0)!;
    await killBrowser(vault);
    const acks = vault.acks.filter((a) => a.sessionId === sessionId);

    const segments = walSegmentsOnDisk(profileDir);
    expect(segments).toHaveLength(1);
    const bytes = readFileSync(segments[0]!);
    // Flip a byte in the middle and cut the tail mid-record.
    const damaged = bytes.subarray(0, bytes.length - 7);
    const flipAt = Math.floor(damaged.length / 2);
    damaged[flipAt] = damaged[flipAt]! ^ 0x5a;
    writeFileSync(segments[0]!, damaged);

    vault = await launchVault(profileDir);
    const again = await openApp(vault);
    const banner = again.getByRole('status').filter({ hasText: /^Recovered/ });
    await expect(banner).toBeVisible();
    await expect(banner).toContainText(/damaged parts? of the log .* skipped/);
    const shown = await readSessionInUi(again, 'damaged.txt');
    // One flipped byte damages one record: every other acknowledged final is there, exactly.
    const finals = acks.filter((a) => a.type === 'final');
    const present = finals.filter((f) => shown.some((u) => u.text === f.text && !u.uncertain));
    expect(present.length).toBeGreaterThanOrEqual(finals.length - 1);
    // Nothing shown is corrupt or out of order.
    assertRecovered([], shown, lines);
  } finally {
    await vault.context.close().catch(() => undefined);
    await removeProfileDir(profileDir);
  }
});

test('two tabs record at once; one crashes, the other is undisturbed, and a reload recovers the crashed one', async () => {
  const profileDir = await newProfileDir('twotabs');
  const vault = await launchVault(profileDir);
  try {
    const linesA = scriptLines(prng(11), 80, 'taba');
    const linesB = scriptLines(prng(12), 40, 'tabb');
    const fileA = await writeReplayFile(profileDir, 'tab-a.txt', linesA);
    const fileB = await writeReplayFile(profileDir, 'tab-b.txt', linesB);
    const pageA = await openApp(vault);
    const pageB = await newAppPage(vault);
    let before = vault.acks.length;
    await startDemo(pageA, fileA);
    await expect.poll(() => sessionIdOf(vault, before)).toBeTruthy();
    const idA = sessionIdOf(vault, before)!;
    before = vault.acks.length;
    await startDemo(pageB, fileB);
    await expect.poll(() => sessionIdOf(vault, before)).toBeTruthy();
    const idB = sessionIdOf(vault, before)!;
    await expect
      .poll(() => vault.acks.filter((a) => a.sessionId === idA && a.type === 'final').length)
      .toBeGreaterThan(3);

    await crashRenderer(pageA);
    const acksA = vault.acks.filter((a) => a.sessionId === idA);
    const bAtCrash = vault.acks.filter((a) => a.sessionId === idB).length;
    // B keeps recording after A's crash.
    await expect
      .poll(() => vault.acks.filter((a) => a.sessionId === idB).length)
      .toBeGreaterThan(bAtCrash + 10);
    await pageB.getByRole('button', { name: 'Stop', exact: true }).click();
    await expect
      .poll(() => vault.acks.some((a) => a.sessionId === idB && a.type === 'session-stop'))
      .toBe(true);
    await expect(pageB.locator('[data-durability="error"]')).toHaveCount(0);
    const shownB = await readSessionInUi(pageB, 'tab-b.txt');
    assertRecovered(
      vault.acks.filter((a) => a.sessionId === idB),
      shownB,
      linesB,
    );
    expect(shownB.some((u) => u.uncertain)).toBe(false);

    // A reload recovers the crashed tab's session.
    await pageB.reload();
    await expect(pageB.getByRole('status').filter({ hasText: /^Recovered 1 session/ })).toBeVisible();
    assertRecovered(acksA, await readSessionInUi(pageB, 'tab-a.txt'), linesA);
  } finally {
    await vault.context.close().catch(() => undefined);
    await removeProfileDir(profileDir);
  }
});

test('a tiny quota: a clear error at once, nothing stored is lost or corrupted, recording resumes when space returns', async () => {
  const profileDir = await newProfileDir('quota');
  const vault = await launchVault(profileDir);
  try {
    // Long lines so the WAL grows quickly.
    const lines = scriptLines(prng(21), 120, 'quota').map(
      (l) => `${l} ${'lorem ipsum dolor sit amet '.repeat(6).trim()}`,
    );
    const file = await writeReplayFile(profileDir, 'quota.txt', lines);
    const page = await openApp(vault);
    const origin = new URL(page.url()).origin;
    const cdp = await vault.context.newCDPSession(page);
    const usage = await page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
    await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: usage + 24 * 1024 });

    await startDemo(page, file);
    const durability = page.locator('[data-durability]');
    await expect(durability).toHaveText(/Storage is full/, { timeout: 30_000 });
    await expect(durability).toHaveAttribute('data-durability', 'error');
    const ackedWhileFull = vault.acks.length;

    await cdp.send('Storage.overrideQuotaForOrigin', { origin });
    await expect(durability).not.toHaveText(/Storage is full/, { timeout: 15_000 });
    expect(vault.acks.length).toBeGreaterThan(ackedWhileFull);
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await expect.poll(() => vault.acks.some((a) => a.type === 'session-stop')).toBe(true);
    const sessionId = sessionIdOf(vault, 0)!;
    const acks = vault.acks.filter((a) => a.sessionId === sessionId);
    // Acks arrive in seq order with no gap: nothing was dropped while the disk was full.
    const seqs = acks.map((a) => a.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i));
    const shown = await readSessionInUi(page, 'quota.txt');
    assertRecovered(acks, shown, lines);

    // After a reload (a fresh worker reading the files) the transcript is the same.
    await page.reload();
    await expect(page.getByRole('button', { name: 'Start', exact: true })).toBeVisible();
    expect(await readSessionInUi(page, 'quota.txt')).toEqual(shown);
  } finally {
    await vault.context.close().catch(() => undefined);
    await removeProfileDir(profileDir);
  }
});
