/**
 * Chromium with a persistent profile (on-disk OPFS and IndexedDB; an incognito context keeps OPFS in
 * memory and would flatter every OPFS contender by ~40×).
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from '../../scripts/find-chromium.mjs';

export interface BenchBrowser {
  context: BrowserContext;
  profileDir: string;
  newPage(url: string): Promise<Page>;
  close(): Promise<void>;
}

export async function launchBench(label: string): Promise<BenchBrowser> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error('No Chromium found (set CHROMIUM_PATH)');
  const profileDir = mkdtempSync(join(tmpdir(), `scribe-bench-${label}-`));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath,
    headless: true,
    // measureUserAgentSpecificMemory normally waits for the next GC (up to ~20 s); measure eagerly.
    args: [...CHROMIUM_ARGS, '--enable-blink-features=ForceEagerMeasureMemory'],
  });
  return {
    context,
    profileDir,
    async newPage(url) {
      const page = await context.newPage();
      page.on('pageerror', (err) => {
        // After client.close() the facade's pagehide listener still calls the released Comlink proxy
        // when the page closes (reported to the facade's owner); it is harmless for the bench.
        if (err.message.includes('Proxy has been released')) return;
        console.error(`[page error] ${err.message}`);
      });
      page.on('console', (msg) => {
        // The favicon request is the one expected 404.
        if (msg.type() === 'error' && !msg.text().includes('404')) console.error(`[console] ${msg.text()}`);
      });
      await page.goto(url);
      await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready', null, {
        timeout: 60_000,
      });
      return page;
    },
    async close() {
      await context.close();
      rmSync(profileDir, { recursive: true, force: true });
    },
  };
}

/** Total size of the regular files under `dir` (0 when it does not exist). */
export function directoryBytes(dir: string): number {
  let total = 0;
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return 0;
  }
  for (const name of entries) {
    const path = join(dir, name);
    const st = statSync(path, { throwIfNoEntry: false });
    if (!st) continue;
    total += st.isDirectory() ? directoryBytes(path) : st.size;
  }
  return total;
}
