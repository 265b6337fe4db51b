/**
 * Helpers for the persistence e2e tests: persistent Chromium profiles (OPFS on disk), capturing the
 * records the worker acknowledged (the facade's `scribe-vault:acks` window event, forwarded to Node
 * so it survives a crash of the page), crashing the renderer or SIGKILLing the browser, driving a
 * Demo recording through the UI, and reading a session back through the UI.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, expect, type BrowserContext, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from '../../scripts/find-chromium.mjs';

export const BASE_URL = `http://127.0.0.1:${Number(process.env.E2E_PORT ?? 4173)}`;

export interface AckedRecord {
  sessionId: string;
  seq: number;
  type: string;
  utterance: number | null;
  text: string | null;
}

export interface Vault {
  context: BrowserContext;
  profileDir: string;
  /** Every record acknowledged in this browser run, in order of arrival. */
  acks: AckedRecord[];
}

export async function newProfileDir(name: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `sv-e2e-${name}-`));
}

export async function removeProfileDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** Launches Chromium on a persistent profile with the ack recorder installed in every page. */
export async function launchVault(profileDir: string): Promise<Vault> {
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: findChromium() ?? undefined,
    args: CHROMIUM_ARGS,
    headless: true,
    baseURL: BASE_URL,
  });
  const acks: AckedRecord[] = [];
  // One event per acknowledged batch; its records are in append order.
  await context.exposeBinding('__svAcks', (_source, records: AckedRecord[]) => {
    acks.push(...records);
  });
  await context.addInitScript(() => {
    window.addEventListener('scribe-vault:acks', (event) => {
      const { records } = (event as CustomEvent<{ records: unknown[] }>).detail;
      (window as unknown as { __svAcks(r: unknown[]): void }).__svAcks(records);
    });
  });
  return { context, profileDir, acks };
}

/** The app renders its controls only once the persistence worker finished start-up and recovery. */
export async function waitForReady(page: Page): Promise<void> {
  await expect(page.getByRole('button', { name: 'Start', exact: true })).toBeVisible({ timeout: 30_000 });
}

/** Opens the app and waits until the persistence worker finished start-up. */
export async function openApp(vault: Vault): Promise<Page> {
  const page = vault.context.pages()[0] ?? (await vault.context.newPage());
  await page.goto('/');
  await waitForReady(page);
  return page;
}

export async function newAppPage(vault: Vault): Promise<Page> {
  const page = await vault.context.newPage();
  await page.goto('/');
  await waitForReady(page);
  return page;
}

/** Renderer crash: the tab's process (and its persistence worker) dies at once. */
export async function crashRenderer(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  const crashed = page.waitForEvent('crash', { timeout: 15_000 });
  // Page.crash never answers (the target is gone): wait for the page's crash event instead.
  void cdp.send('Page.crash').catch(() => undefined);
  await crashed;
  await page.close().catch(() => undefined);
}

/** SIGKILL of every process of this profile's browser (found by --user-data-dir in /proc/<pid>/cmdline). */
export async function killBrowser(vault: Vault): Promise<number> {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmdline.includes(`--user-data-dir=${vault.profileDir}`)) pids.push(Number(entry));
    } catch {
      // the process exited meanwhile
    }
  }
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await vault.context.close().catch(() => undefined);
  return pids.length;
}

/** A .txt replay script: one utterance per line. */
export async function writeReplayFile(dir: string, name: string, lines: string[]): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, lines.join('\n') + '\n');
  return path;
}

/** Picks Demo, loads the replay file at 20× and presses Start; resolves when recording. */
export async function startDemo(page: Page, replayPath: string, speed = '20'): Promise<void> {
  await page.getByRole('combobox', { name: 'Source' }).selectOption({ label: 'Demo' });
  await page.getByLabel('Replay file').setInputFiles(replayPath);
  // The file is read asynchronously: a Start before that would replay the bundled sample instead.
  const name = replayPath.split(/[\\/]/).pop()!;
  await expect(page.getByText(`Replays “${name}”`)).toBeVisible();
  await page.getByRole('combobox', { name: 'Speed' }).selectOption(speed);
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Stop', exact: true })).toBeEnabled();
}

/** Waits until at least `n` records of `sessionId` (or of any session) were acknowledged. */
export async function waitForAcks(
  vault: Vault,
  n: number,
  sessionId?: string,
  timeoutMs = 30_000,
): Promise<void> {
  await expect
    .poll(() => vault.acks.filter((a) => !sessionId || a.sessionId === sessionId).length, {
      timeout: timeoutMs,
    })
    .toBeGreaterThanOrEqual(n);
}

export interface ShownUtterance {
  text: string;
  uncertain: boolean;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Opens the session whose title contains `titlePart` from the list and reads its transcript as the UI shows it. */
export async function readSessionInUi(page: Page, titlePart: string): Promise<ShownUtterance[]> {
  const list = page.getByRole('list', { name: 'Sessions' });
  await list
    .getByRole('button', { name: new RegExp(escapeRegExp(titlePart)) })
    .first()
    .click();
  const transcript = page.getByRole('list', { name: 'Transcript' });
  await expect(transcript.or(page.getByText('This session has no text.'))).toBeVisible();
  // A long transcript opens at its first lines: show the rest, a chunk per click, before reading.
  const view = page.locator('.session-view');
  const more = view.getByRole('button', { name: /^Show [\d,]+ more lines/ });
  while (await more.isVisible()) await more.click();
  await expect(view.getByRole('button', { name: /^Show [\d,]+ earlier lines/ })).toHaveCount(0);
  const out: ShownUtterance[] = await transcript.locator('li').evaluateAll((lis) =>
    lis.map((li) => ({
      text: li.querySelector('.text')?.textContent ?? '',
      uncertain: li.hasAttribute('data-uncertain'),
    })),
  );
  // Back to the record panel, so the page can record again.
  await page.locator('.session-view').getByRole('button', { name: 'Close', exact: true }).click();
  return out;
}

/**
 * The durability assertion: everything acknowledged for a session is in the recovered transcript, in
 * utterance order, once, with no text that the source never produced.
 * - an acknowledged FINAL appears exactly, not uncertain;
 * - an utterance with only acknowledged PARTIALs appears with that partial's text or a later (longer)
 *   partial of the same line — records written after the last ack reached the test may be there too;
 * - every shown utterance is a word prefix of its script line (no corrupt text) and none repeats.
 */
export function assertRecovered(acks: AckedRecord[], shown: ShownUtterance[], script: string[]): void {
  const finals = new Map<number, string>();
  const partials = new Map<number, string>();
  for (const a of acks) {
    if (a.utterance === null || a.text === null) continue;
    if (a.type === 'final') finals.set(a.utterance, a.text);
    else if (a.type === 'partial') partials.set(a.utterance, a.text);
  }
  const byLine = shown.map((u) => {
    const line = script.findIndex((l) => l === u.text || l.startsWith(`${u.text} `));
    expect(line, `shown text is not a prefix of any script line: "${u.text}"`).toBeGreaterThanOrEqual(0);
    return line;
  });
  for (let i = 1; i < byLine.length; i++) {
    expect(byLine[i]!, `utterances out of order or duplicated: ${JSON.stringify(shown)}`).toBeGreaterThan(
      byLine[i - 1]!,
    );
  }
  const shownByLine = new Map(byLine.map((line, i) => [line, shown[i]!]));
  for (const [utterance, text] of finals) {
    const u = shownByLine.get(utterance);
    expect(u?.text, `acknowledged final of utterance ${utterance} missing`).toBe(text);
    expect(u?.uncertain).toBe(false);
  }
  for (const [utterance, text] of partials) {
    if (finals.has(utterance)) continue;
    const u = shownByLine.get(utterance);
    expect(u, `acknowledged partial of utterance ${utterance} missing`).toBeDefined();
    expect(
      u!.text.length,
      `utterance ${utterance} shorter than its acknowledged partial`,
    ).toBeGreaterThanOrEqual(text.length);
    expect(u!.text.startsWith(text)).toBe(true);
  }
}

/** Every file under `dir` whose bytes contain `marker` as UTF-8 or UTF-16LE. */
export function filesContaining(dir: string, marker: string): string[] {
  const needles = [Buffer.from(marker, 'utf8'), Buffer.from(marker, 'utf16le')];
  const hits: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      let st;
      try {
        st = statSync(path);
      } catch {
        continue;
      }
      if (st.isDirectory()) walk(path);
      else if (st.isFile()) {
        let bytes: Buffer;
        try {
          bytes = readFileSync(path);
        } catch {
          continue;
        }
        if (needles.some((n) => bytes.includes(n))) hits.push(path);
      }
    }
  };
  walk(dir);
  return hits;
}

/** Files of the origin's OPFS in the profile (Chromium keeps them as plain files). */
export function opfsDir(profileDir: string): string {
  return join(profileDir, 'Default', 'File System');
}

/** Seeded PRNG (mulberry32) so crash points are reproducible: the one the Node tests use. */
export { mulberry32 as prng } from '../../tests/helpers/sample-records.ts';

const WORDS =
  'alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu'.split(
    ' ',
  );

/** A replay script of `lines` utterances whose words are unique per line (so prefixes identify lines). */
export function scriptLines(rand: () => number, lines: number, tag: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const n = 3 + Math.floor(rand() * 6);
    const words = [`${tag}u${i}`];
    for (let w = 1; w < n; w++) words.push(WORDS[Math.floor(rand() * WORDS.length)]!);
    out.push(words.join(' '));
  }
  return out;
}
