import { expect, test } from '@playwright/test';
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { launchPersistent, openApp } from './helpers-app/app.ts';
import { serveDirectory } from './helpers-app/static-server.ts';

test('a new version waiting in the service worker is offered with a prompt and applied on Reload', async () => {
  // Serve a private copy of the build so the test can publish a "new version" of it.
  const buildDir = resolve(process.env.E2E_OUTDIR ?? 'dist');
  const siteDir = mkdtempSync(join(tmpdir(), 'sv-e2e-site-'));
  cpSync(buildDir, siteDir, { recursive: true });
  const server = await serveDirectory(siteDir);
  const browser = await launchPersistent(server.url);
  const { page } = browser;
  try {
    await openApp(page);
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await page.reload();
    await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    await expect(page.getByText('A new version of Scribe Vault is ready')).toHaveCount(0);

    // Publish a new version: any byte change of sw.js makes the browser install it; it then waits.
    appendFileSync(join(siteDir, 'sw.js'), '\n// new version\n');
    await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.getRegistration();
      await registration?.update();
    });
    const prompt = page.getByRole('alert').filter({ hasText: 'A new version of Scribe Vault is ready' });
    await expect(prompt).toBeVisible({ timeout: 30_000 });

    const reloaded = page.waitForEvent('load');
    await prompt.getByRole('button', { name: 'Reload to update' }).click();
    await reloaded;
    await expect(page.getByRole('button', { name: 'Start' })).toBeVisible();
    await expect(page.getByText('A new version of Scribe Vault is ready')).toHaveCount(0);
    const waiting = await page.evaluate(
      async () => (await navigator.serviceWorker.getRegistration())?.waiting ?? null,
    );
    expect(waiting).toBeNull();
  } finally {
    await browser.close();
    await server.close();
    rmSync(siteDir, { recursive: true, force: true });
  }
});
