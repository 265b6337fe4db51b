/** Shared steps for the app e2e specs: persistent profiles, Demo recordings, downloads. */
import {
  chromium,
  expect,
  type BrowserContext,
  type Download,
  type Locator,
  type Page,
} from '@playwright/test';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS, findChromium } from '../../scripts/find-chromium.mjs';

export interface PersistentBrowser {
  context: BrowserContext;
  page: Page;
  profileDir: string;
  close(): Promise<void>;
}

/**
 * A Chromium with an on-disk profile: real OPFS files (a default context keeps OPFS in memory),
 * service workers that survive reloads, and a renderer that can be crashed and replaced.
 */
export async function launchPersistent(
  baseURL: string,
  viewport = { width: 1280, height: 800 },
): Promise<PersistentBrowser> {
  const profileDir = mkdtempSync(join(tmpdir(), 'sv-e2e-profile-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: findChromium() ?? undefined,
    args: CHROMIUM_ARGS,
    headless: true,
    baseURL,
    viewport,
    acceptDownloads: true,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    profileDir,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profileDir, { recursive: true, force: true });
    },
  };
}

export const log = (page: Page): Locator => page.getByRole('log', { name: 'Live transcript' });
export const sessionList = (page: Page): Locator => page.getByRole('list', { name: 'Sessions' });
export const finalLines = (page: Page): Locator => log(page).locator('.line:not([data-partial])');

/** Waits until the app has opened its storage (the Start button exists). */
export async function openApp(page: Page, path = '/'): Promise<void> {
  await page.goto(path);
  await expect(page.getByRole('button', { name: 'Start' })).toBeVisible({ timeout: 30_000 });
}

export interface DemoOptions {
  speed?: '1×' | '4×' | '20×';
  /** A replay file: name and content. The bundled sample when omitted. */
  file?: { name: string; text: string };
}

export async function startDemo(page: Page, options: DemoOptions = {}): Promise<void> {
  await page.getByLabel('Source').selectOption('Demo');
  if (options.file) {
    await page.getByLabel('Replay file').setInputFiles({
      name: options.file.name,
      mimeType: options.file.name.endsWith('.json') ? 'application/json' : 'text/plain',
      buffer: Buffer.from(options.file.text, 'utf8'),
    });
    // The file is read asynchronously: a Start before that would replay the bundled sample instead.
    await expect(page.getByText(`Replays “${options.file.name}”`)).toBeVisible();
  }
  await page.getByLabel('Speed').selectOption(options.speed ?? '20×');
  await page.getByRole('button', { name: 'Start' }).click();
  // The first words show that the replay runs (a short file at 20× may already be over, so the
  // state of the Stop button would be a race).
  await expect(log(page).locator('.line').first()).toBeAttached();
}

/** Waits until the recording is over (the source finished or Stop completed). */
export async function waitUntilIdle(page: Page, timeout = 60_000): Promise<void> {
  await expect(page.getByRole('button', { name: 'Start' })).toBeEnabled({ timeout });
}

export async function readDownload(download: Download): Promise<string> {
  const path = await download.path();
  return readFileSync(path, 'utf8');
}

/** The list item of a session, found by (part of) its title. */
export function sessionItem(page: Page, title: string | RegExp): Locator {
  return sessionList(page)
    .getByRole('listitem')
    .filter({ has: page.getByRole('button', { name: title }) });
}

export async function exportAs(
  page: Page,
  item: Locator,
  format: 'TXT' | 'SRT' | 'WebVTT' | 'JSON',
): Promise<Download> {
  const expanded = await item
    .getByRole('button', { name: 'Export', exact: true })
    .getAttribute('aria-expanded');
  if (expanded !== 'true') await item.getByRole('button', { name: 'Export', exact: true }).click();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    item.getByRole('button', { name: format, exact: true }).click(),
  ]);
  return download;
}
