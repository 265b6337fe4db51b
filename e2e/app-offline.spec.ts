import { expect, test } from '@playwright/test';
import {
  finalLines,
  launchPersistent,
  openApp,
  sessionList,
  startDemo,
  waitUntilIdle,
} from './helpers-app/app.ts';

test('after one visit the app loads and records a Demo session with the network off', async ({ baseURL }) => {
  const browser = await launchPersistent(baseURL!);
  const { page, context } = browser;
  try {
    await openApp(page);
    // First visit installs the service worker and precaches the shell; it controls the page after a reload.
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await page.reload();
    await expect
      .poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), { timeout: 30_000 })
      .toBe(true);

    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    await context.setOffline(true);
    await openApp(page);
    await startDemo(page, { speed: '20×' });
    await waitUntilIdle(page, 90_000);
    await expect(finalLines(page)).toHaveCount(15);
    await expect(sessionList(page).getByRole('listitem').first()).toContainText('Demo · sample');
    await expect(sessionList(page).getByRole('listitem').first()).toContainText('15 utterances');
    // Everything came from the app's own origin (served by the service worker).
    const origin = new URL(baseURL!).origin;
    expect(
      requests.filter(
        (url) => !url.startsWith(origin) && !url.startsWith('blob:') && !url.startsWith('data:'),
      ),
    ).toEqual([]);
  } finally {
    await context.setOffline(false).catch(() => undefined);
    await browser.close();
  }
});

test('the manifest makes the app installable', async ({ page }) => {
  await page.goto('/');
  const href = await page.locator('link[rel="manifest"]').getAttribute('href');
  const manifest = (await (await page.request.get(href!)).json()) as {
    name: string;
    display: string;
    start_url: string;
    icons: Array<{ src: string; sizes: string; type: string; purpose?: string }>;
  };
  expect(manifest.name).toBe('Scribe Vault');
  expect(manifest.display).toBe('standalone');
  expect(manifest.icons.map((i) => `${i.sizes} ${i.purpose ?? 'any'}`)).toEqual(
    expect.arrayContaining(['192x192 any', '512x512 any', '512x512 maskable']),
  );
  for (const icon of manifest.icons) {
    const response = await page.request.get(icon.src);
    expect(response.ok()).toBe(true);
    expect(response.headers()['content-type']).toBe('image/png');
    const bytes = await response.body();
    expect([...bytes.subarray(1, 4)].map((b) => String.fromCharCode(b)).join('')).toBe('PNG');
    const [w, h] = icon.sizes.split('x').map(Number);
    expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([w, h]);
  }
});
