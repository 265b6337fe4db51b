import { expect, test } from '@playwright/test';
import { finalLines, launchPersistent, openApp, startDemo } from './helpers-app/app.ts';

test('after a renderer crash mid-session the reload shows a Recovered banner with the text', async ({
  baseURL,
}) => {
  const browser = await launchPersistent(baseURL!);
  const { context, page } = browser;
  try {
    await openApp(page);
    await startDemo(page, { speed: '4×' });
    await expect(finalLines(page)).toHaveCount(3, { timeout: 30_000 });
    const finals = await finalLines(page).locator('.text').allTextContents();
    const cdp = await context.newCDPSession(page);
    const crashed = page.waitForEvent('crash', { timeout: 15_000 });
    void cdp.send('Page.crash').catch(() => undefined); // never answers: the renderer is gone
    await crashed;

    const next = await context.newPage();
    await openApp(next);
    const banner = next.getByRole('status').filter({ hasText: /^Recovered/ });
    await expect(banner).toBeVisible();
    await expect(banner).toContainText(/Recovered 1 session/);
    await banner.getByRole('button', { name: /^Demo · sample/ }).click();
    const transcript = next.getByRole('list', { name: 'Transcript' });
    for (const text of finals.slice(0, 3)) await expect(transcript).toContainText(text);
    await expect(
      next.getByRole('list', { name: 'Sessions' }).getByRole('listitem').filter({ hasText: 'Recovered' }),
    ).toHaveCount(1);
  } finally {
    await browser.close();
  }
});
