import { expect, test } from '@playwright/test';
import { finalLines, launchPersistent, log, openApp, startDemo } from './helpers-app/app.ts';

test('after a renderer crash mid-utterance the reload shows a Recovered banner, the text, and the cut-off utterance marked uncertain', async ({
  baseURL,
}) => {
  const browser = await launchPersistent(baseURL!);
  const { context, page } = browser;
  try {
    await openApp(page);
    await startDemo(page, { speed: '1×' });
    // Crash in the middle of the third utterance: two finals stored, a partial of several words in flight.
    await expect.poll(() => finalLines(page).count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
    const partial = log(page).locator('[data-partial] .text');
    await expect
      .poll(async () => ((await partial.textContent().catch(() => '')) ?? '').split(' ').length, {
        timeout: 30_000,
      })
      .toBeGreaterThanOrEqual(4);
    const finals = await finalLines(page).locator('.text').allTextContents();
    const seenPartial = (await partial.textContent()) ?? '';
    const cdp = await context.newCDPSession(page);
    const crashed = page.waitForEvent('crash', { timeout: 15_000 });
    void cdp.send('Page.crash').catch(() => undefined); // never answers: the renderer is gone
    await crashed;

    const next = await context.newPage();
    await openApp(next);
    const banner = next.getByRole('status').filter({ hasText: /^Recovered/ });
    await expect(banner).toBeVisible();
    await expect(banner).toContainText(/^Recovered 1 session after an unexpected shutdown\./);
    await expect(banner).toContainText('may be incomplete');
    await banner.getByRole('button', { name: /^Demo · sample/ }).click();

    const transcript = next.getByRole('list', { name: 'Transcript' });
    const items = transcript.getByRole('listitem');
    await expect(items).toHaveCount(finals.length + 1);
    expect((await items.locator('.text').allTextContents()).slice(0, finals.length)).toEqual(finals);
    const uncertain = transcript.locator('[data-uncertain]');
    await expect(uncertain).toHaveCount(1);
    await expect(uncertain.getByText('uncertain', { exact: true })).toBeVisible();
    const recovered = (await uncertain.locator('.text').textContent()) ?? '';
    // The worker stored the partial as it arrived: what was shown is back (or its acknowledged prefix).
    expect(recovered.length).toBeGreaterThan(0);
    expect(seenPartial.startsWith(recovered) || recovered.startsWith(seenPartial)).toBe(true);
    await expect(next.getByText(/rebuilt from unfinished text/)).toBeVisible();
    await next.screenshot({ path: test.info().outputPath('recovered-session.png'), fullPage: true });
    await expect(
      next.getByRole('list', { name: 'Sessions' }).getByRole('listitem').filter({ hasText: 'Recovered' }),
    ).toHaveCount(1);
  } finally {
    await browser.close();
  }
});
