/**
 * Crash matrix: a Demo session driven through the UI is killed at seeded random moments — the
 * renderer via CDP Page.crash, or the whole browser via SIGKILL — and after a reload the recovered
 * transcript must hold every record the worker acknowledged before the crash, in order, once, with
 * no corrupt text. CRASH_POINTS (default 50) and CRASH_SEED choose the size and the moments; the
 * nightly script runs hundreds.
 */
import { expect, test, type Page } from '@playwright/test';
import {
  assertRecovered,
  crashRenderer,
  killBrowser,
  launchVault,
  newAppPage,
  newProfileDir,
  openApp,
  prng,
  readSessionInUi,
  removeProfileDir,
  scriptLines,
  startDemo,
  writeReplayFile,
  type AckedRecord,
  type Vault,
} from './helpers/vault.ts';

const TOTAL = Math.max(2, Number(process.env.CRASH_POINTS ?? 50));
const SEED = Number(process.env.CRASH_SEED ?? 20_261_123);
/** About a quarter of the crash points SIGKILL the browser (each costs a relaunch). */
const KILL_POINTS = Math.max(1, Math.round(TOTAL / 4));
const RENDERER_POINTS = TOTAL - KILL_POINTS;
const PER_TEST = 8;
/** Longest wait after the first acknowledged record before crashing, ms (the replay runs ~20× real time). */
const MAX_DELAY_MS = 1500;

function groups(total: number, size: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < total; i += size)
    out.push(Array.from({ length: Math.min(size, total - i) }, (_, k) => i + k));
  return out;
}

interface CrashPoint {
  index: number;
  lines: string[];
  delayMs: number;
  /** Press Stop and crash this many ms later (the stop checkpoint may be mid-way), or null. */
  stopThenCrashMs: number | null;
  file: string;
}

async function prepare(vault: Vault, index: number, kind: string): Promise<CrashPoint> {
  const rand = prng(SEED + index * 7919 + (kind === 'kill' ? 1 : 0));
  const lines = scriptLines(rand, 60, `${kind}${index}x`);
  const delayMs = Math.floor(rand() * MAX_DELAY_MS);
  // A quarter of the points crash around Stop, while the session file is being written.
  const stopThenCrashMs = rand() < 0.25 ? Math.floor(rand() * 60) : null;
  const file = await writeReplayFile(vault.profileDir, `crash-${kind}-${index}.txt`, lines);
  return { index, lines, delayMs, stopThenCrashMs, file };
}

/** Starts the Demo, waits for its SESSION_START ack and the crash delay; returns the session id. */
async function recordUntilCrashMoment(vault: Vault, page: Page, point: CrashPoint): Promise<string> {
  const before = vault.acks.length;
  await startDemo(page, point.file);
  await expect.poll(() => vault.acks.slice(before).find((a) => a.type === 'session-start')).toBeTruthy();
  const sessionId = vault.acks.slice(before).find((a) => a.type === 'session-start')!.sessionId;
  await page.waitForTimeout(point.delayMs);
  if (point.stopThenCrashMs !== null) {
    // No await on the outcome: the crash may come before the stop is acknowledged.
    // dispatchEvent: a real click would also wait for navigations, which may never settle here.
    await page
      .getByRole('button', { name: 'Stop', exact: true })
      .dispatchEvent('click', undefined, { timeout: 2000 });
    await page.waitForTimeout(point.stopThenCrashMs);
  }
  return sessionId;
}

async function verifyRecovered(
  page: Page,
  point: CrashPoint,
  acks: AckedRecord[],
  kind: string,
): Promise<void> {
  const stopped = acks.some((a) => a.type === 'session-stop');
  // After a Stop the session may be complete on disk before its ack reached us: no banner then.
  if (!stopped && point.stopThenCrashMs === null && acks.length > 1) {
    await expect(page.getByRole('status').filter({ hasText: /^Recovered/ })).toBeVisible();
  }
  const shown = await readSessionInUi(page, `crash-${kind}-${point.index}.txt`);
  assertRecovered(acks, shown, point.lines);
}

test.describe.configure({ mode: 'parallel' });
// These tests launch their own persistent contexts (and kill them): Playwright's per-test tracing of
// contexts it did not create only gets in the way.
test.use({ trace: 'off' });

test.describe('crash matrix: renderer crash (Page.crash)', () => {
  for (const group of groups(RENDERER_POINTS, PER_TEST)) {
    test(`crash points ${group[0]}–${group.at(-1)}`, async () => {
      test.setTimeout(60_000 + group.length * 20_000);
      const profileDir = await newProfileDir('crash');
      const vault = await launchVault(profileDir);
      try {
        let page = await openApp(vault);
        for (const index of group) {
          const point = await prepare(vault, index, 'renderer');
          const sessionId = await recordUntilCrashMoment(vault, page, point);
          await crashRenderer(page);
          const acks = vault.acks.filter((a) => a.sessionId === sessionId);
          page = await newAppPage(vault);
          await verifyRecovered(page, point, acks, 'renderer');
        }
      } finally {
        await vault.context.close().catch(() => undefined);
        await removeProfileDir(profileDir);
      }
    });
  }
});

test.describe('crash matrix: browser SIGKILL', () => {
  for (const group of groups(KILL_POINTS, PER_TEST)) {
    test(`kill points ${group[0]}–${group.at(-1)}`, async () => {
      test.setTimeout(60_000 + group.length * 30_000);
      const profileDir = await newProfileDir('kill');
      let vault = await launchVault(profileDir);
      try {
        let page = await openApp(vault);
        for (const index of group) {
          const point = await prepare(vault, index, 'kill');
          const sessionId = await recordUntilCrashMoment(vault, page, point);
          expect(await killBrowser(vault)).toBeGreaterThan(0);
          const acks = vault.acks.filter((a) => a.sessionId === sessionId);
          vault = await launchVault(profileDir);
          page = await openApp(vault);
          await verifyRecovered(page, point, acks, 'kill');
        }
      } finally {
        await vault.context.close().catch(() => undefined);
        await removeProfileDir(profileDir);
      }
    });
  }
});
