import { expect, test, type Page } from '@playwright/test';
import { formatSession, type ExportFormat } from '../src/export/formats.ts';
import type { ExportFile } from '../src/shared/persistence-client.ts';
import { installFakeSpeech, type FakeSpeechHandle } from './helpers-app/fake-speech.ts';
import { finalLines, launchPersistent, log, openApp, readDownload, sessionItem } from './helpers-app/app.ts';
import { longSessionExport } from './helpers-app/long-session.ts';

declare global {
  interface Window {
    __fakeSpeech: FakeSpeechHandle;
    __changed: string[];
  }
}

/** Long enough for many chunks; the export test uses more (formatting is cheap to check). */
const COUNT = 2_000;
const EXPORT_COUNT = 5_000;

async function importAndOpen(page: Page, file: ExportFile) {
  await page.getByLabel('Import sessions').setInputFiles({
    name: 'long.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(file)),
  });
  await expect(page.getByText(/Imported 1 session/)).toBeVisible({ timeout: 30_000 });
  await sessionItem(page, 'Long session').getByRole('button', { name: 'Long session', exact: true }).click();
}

const transcriptItems = (page: Page) => page.getByRole('list', { name: 'Transcript' }).getByRole('listitem');

test('a long session opens at its first lines and shows the rest as the reader scrolls or asks', async ({
  page,
}) => {
  await openApp(page);
  const file = longSessionExport(COUNT);
  await importAndOpen(page, file);
  const items = transcriptItems(page);

  await expect(items).toHaveCount(200);
  await expect(items.first()).toContainText('Utterance 1:');
  await expect(page.getByText('Showing lines 1–200 of 2,000')).toBeVisible();
  // Each line says where it is in the whole transcript, not just in what is rendered.
  await expect(items.nth(199)).toHaveAttribute('aria-posinset', '200');
  await expect(items.nth(199)).toHaveAttribute('aria-setsize', String(COUNT));

  // From the keyboard, the button adds the next lines and moves focus to the first of them.
  const more = page.getByRole('button', { name: 'Show 200 more lines (1,800 not shown yet)' });
  await more.focus();
  await expect(more).toBeInViewport();
  await page.keyboard.press('Enter');
  await expect(items).toHaveCount(400);
  await expect(items.nth(200)).toContainText('Utterance 201:');
  await expect(items.nth(200)).toBeFocused();

  // Scrolling near the end appends more on its own, up to the very last line.
  const scroller = page.locator('.transcript-scroll');
  await expect
    .poll(
      () =>
        scroller.evaluate((el) => {
          el.scrollTo({ top: el.scrollHeight });
          return el.querySelectorAll('li').length;
        }),
      { timeout: 15_000, intervals: [50] },
    )
    .toBe(COUNT);
  await expect(items.last()).toContainText(`Utterance ${COUNT}:`);
  await expect(page.getByRole('button', { name: /^Show \d+ more lines/ })).toHaveCount(0);
  await expect(page.getByText('Showing lines 1–2,000 of 2,000')).toBeVisible();
  expect(await items.locator('.text').allTextContents()).toEqual(
    file.sessions[0]!.utterances.map((u) => u.text),
  );
});

test('exports of a long session have the same bytes as the formats build them', async ({ page }) => {
  await openApp(page);
  const file = longSessionExport(EXPORT_COUNT);
  await importAndOpen(page, file);
  for (const [label, format] of [
    ['TXT', 'txt'],
    ['SRT', 'srt'],
    ['WebVTT', 'vtt'],
    ['JSON', 'json'],
  ] as Array<[string, ExportFormat]>) {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: `Download ${label}` }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^Long session .*\\.${format}$`));
    const text = await readDownload(download);
    // exportedAt is the time of the export; everything else is the imported file.
    const exportedAt = format === 'json' ? (JSON.parse(text) as ExportFile).exportedAt : file.exportedAt;
    expect(text).toBe(formatSession({ ...file, exportedAt }, format));
  }
});

test.describe('without the export worker', () => {
  // Service workers would answer the worker script from the precache, around the route below.
  test.use({ serviceWorkers: 'block' });
  test('exports are formatted in the page instead, with the same bytes', async ({ page }) => {
    let blocked = 0;
    await page.route(/export-format\.worker/, (route) => {
      blocked++;
      return route.abort();
    });
    await openApp(page);
    const file = longSessionExport(300);
    await importAndOpen(page, file);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download SRT' }).click(),
    ]);
    expect(blocked).toBeGreaterThan(0); // the worker was asked for, and could not start
    expect(await readDownload(download)).toBe(formatSession(file, 'srt'));
    await expect(page.getByText(/Export failed/)).toHaveCount(0);
  });
});

test('a long recording: the live log touches only the changing line; after a crash the uncertain last line is one click away', async ({
  baseURL,
}) => {
  const browser = await launchPersistent(baseURL!);
  const { context, page } = browser;
  try {
    await page.addInitScript(installFakeSpeech);
    await openApp(page);
    await page.getByLabel('Source').selectOption('Microphone');
    await page.getByRole('button', { name: 'Start' }).click();
    await expect.poll(() => page.evaluate(() => window.__fakeSpeech.runs)).toBe(1);
    const finals = 400;
    await page.evaluate((n) => {
      for (let i = 0; i < n; i++) window.__fakeSpeech.say(i, `Final line ${i + 1}.`, true);
    }, finals);
    await expect(finalLines(page)).toHaveCount(finals);
    await expect(finalLines(page).last()).toHaveText(/Final line 400\.$/);

    // Record every DOM change in the log while a new utterance grows: nothing outside its own line may
    // change (the log is a live region: a re-rendered old line would be read out again).
    await log(page).evaluate((el) => {
      const lineText = (node: Node | null) => {
        const element = node instanceof Element ? node : (node?.parentElement ?? null);
        return (
          element?.closest('.line')?.querySelector('.text')?.textContent ?? `(not a line: ${node?.nodeName})`
        );
      };
      window.__changed = [];
      new MutationObserver((records) => {
        for (const r of records) {
          if (r.type !== 'childList') window.__changed.push(lineText(r.target));
          for (const n of r.addedNodes)
            window.__changed.push(lineText(n instanceof Element ? n.querySelector('.text') : n));
          for (const n of r.removedNodes) window.__changed.push(`removed: ${n.textContent}`);
        }
      }).observe(el, { subtree: true, childList: true, characterData: true, attributes: true });
    });
    const partial = log(page).locator('[data-partial] .text');
    await page.evaluate((i) => window.__fakeSpeech.say(i, 'and one', false), finals);
    await expect(partial).toHaveText('and one');
    await page.evaluate((i) => window.__fakeSpeech.say(i, 'and one more thing', false), finals);
    await expect(partial).toHaveText('and one more thing');
    const changed = await page.evaluate(() => window.__changed);
    expect(changed.length).toBeGreaterThan(0);
    for (const text of changed) expect(['and one', 'and one more thing']).toContain(text);
    // Following the newest line all along.
    expect(
      await log(page).evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight),
    ).toBeLessThanOrEqual(40);

    // Crash with the partial in flight (stored on arrival), then open the recovered session.
    await expect(page.getByText(/^Saved/)).toBeVisible();
    const cdp = await context.newCDPSession(page);
    const crashed = page.waitForEvent('crash', { timeout: 15_000 });
    void cdp.send('Page.crash').catch(() => undefined);
    await crashed;
    const next = await context.newPage();
    await openApp(next);
    const banner = next.getByRole('status').filter({ hasText: /^Recovered/ });
    await banner.getByRole('button', { name: /^Microphone/ }).click();

    const items = transcriptItems(next);
    await expect(items).toHaveCount(200);
    await expect(next.getByText('Showing lines 1–200 of 401')).toBeVisible();
    await next.getByRole('button', { name: 'Show the uncertain line' }).click();
    const uncertain = next.getByRole('list', { name: 'Transcript' }).locator('[data-uncertain]');
    await expect(uncertain).toBeFocused();
    await expect(uncertain).toBeInViewport();
    await expect(uncertain.locator('.text')).toHaveText(/^and one/);
    // Shown with the lines that led to it.
    await expect(next.getByText('Showing lines 201–401 of 401')).toBeVisible();
    await next.screenshot({ path: test.info().outputPath('recovered-long-session.png') });
    await next.getByRole('button', { name: 'Show 200 earlier lines' }).click();
    await expect(items).toHaveCount(401);
    await expect(items.first()).toContainText('Final line 1.');
    await expect(items.filter({ hasText: /Final line 200\.$/ })).toBeFocused();
  } finally {
    await browser.close();
  }
});
