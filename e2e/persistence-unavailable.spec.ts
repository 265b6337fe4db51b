/**
 * A browser without the Origin Private File System (here: Chromium with the Blink feature
 * FileSystemAccessOriginPrivate switched off, as in some private modes and browsers): the worker refuses to start
 * with the typed 'opfs-unavailable' error and the app says so instead of pretending to record.
 */
import { chromium, expect, test } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from '../scripts/find-chromium.mjs';
import { BASE_URL } from './helpers/vault.ts';

// This test launches its own browser context: Playwright's per-test tracing only gets in the way.
test.use({ trace: 'off' });

test('without OPFS the app shows a clear storage error and offers no recording', async () => {
  const browser = await chromium.launch({
    executablePath: findChromium() ?? undefined,
    args: [...CHROMIUM_ARGS, '--disable-blink-features=FileSystemAccessOriginPrivate'],
    headless: true,
  });
  try {
    const page = await browser.newPage({ baseURL: BASE_URL });
    await page.goto('/');
    expect(await page.evaluate(() => typeof navigator.storage.getDirectory)).toBe('undefined');
    const alert = page.getByRole('alert');
    await expect(alert).toContainText('Origin Private File System', { timeout: 30_000 });
    await expect(alert).toContainText('navigator.storage.getDirectory is missing');
    await expect(page.getByRole('button', { name: 'Start', exact: true })).toHaveCount(0);
  } finally {
    await browser.close();
  }
});
