import { expect, test } from '@playwright/test';
import {
  exportAs,
  finalLines,
  log,
  openApp,
  readDownload,
  sessionItem,
  sessionList,
  startDemo,
  waitUntilIdle,
} from './helpers-app/app.ts';

const REPLAY = {
  name: 'standup.txt',
  text: 'Morning all, the build is green again.\nWe ship the zanzibar release on Friday.\nQuestions go to the <ops> channel & the wiki.\n',
};
const LINES = REPLAY.text.trim().split('\n');

test('record a replayed file, then find, rename, search, export and delete the session', async ({ page }) => {
  await openApp(page);

  // Demo replays the picked file word by word: partials are marked, then become finals.
  await startDemo(page, { file: REPLAY, speed: '4×' });
  await expect(log(page).locator('[data-partial]').first()).toBeAttached();
  await expect(finalLines(page)).toHaveCount(3, { timeout: 30_000 });
  await waitUntilIdle(page);
  await expect(log(page).locator('[data-partial]')).toHaveCount(0);
  await expect(finalLines(page).locator('.text')).toHaveText(LINES);
  await expect(page.getByText(/^Saved · /)).toBeVisible();

  // The session is the newest in the list.
  const item = sessionItem(page, /standup\.txt/);
  await expect(sessionList(page).getByRole('listitem').first()).toContainText('standup.txt');
  await expect(item).toContainText('3 utterances');

  // Rename inline.
  await item.getByRole('button', { name: 'Rename' }).click();
  await page.getByLabel('Session title').fill('Quarterly standup');
  await page.getByLabel('Session title').press('Enter');
  const renamed = sessionItem(page, 'Quarterly standup');
  await expect(renamed).toBeVisible();

  // Search finds it by a word that is only in its text, and an absent word finds nothing.
  const search = page.getByLabel('Search sessions');
  await search.fill('zanzibar');
  await expect(sessionList(page).getByRole('listitem')).toHaveCount(1);
  await expect(renamed).toBeVisible();
  await search.fill('xylophone-nowhere');
  await expect(sessionList(page).getByRole('listitem')).toHaveCount(0);
  await expect(page.getByText('No session matches')).toBeVisible();
  await search.fill('');
  await expect(renamed).toBeVisible();

  // Every export format, checked by content.
  const txtDownload = await exportAs(page, renamed, 'TXT');
  expect(txtDownload.suggestedFilename()).toMatch(/^Quarterly standup .*\.txt$/);
  const txt = await readDownload(txtDownload);
  expect(txt.split('\n')[0]).toBe('Quarterly standup');
  for (const line of LINES) expect(txt).toContain(line);
  expect(txt).toMatch(/^\[0:00\] Morning all/m);

  const srt = await readDownload(await exportAs(page, renamed, 'SRT'));
  const srtCues = srt.trim().split('\n\n');
  expect(srtCues).toHaveLength(3);
  expect(srtCues[0]).toMatch(
    /^1\n00:00:00,000 --> 00:00:\d\d,\d{3}\nMorning all, the build is green again\.$/,
  );
  expect(srtCues[2]).toContain('Questions go to the <ops> channel & the wiki.');

  const vtt = await readDownload(await exportAs(page, renamed, 'WebVTT'));
  expect(vtt.startsWith('WEBVTT - Quarterly standup\n\n')).toBe(true);
  expect(vtt).toMatch(
    /\n00:00:\d\d\.\d{3} --> 00:00:\d\d\.\d{3}\nWe ship the zanzibar release on Friday\.\n/,
  );
  expect(vtt).toContain('Questions go to the &lt;ops&gt; channel &amp; the wiki.');

  const json = JSON.parse(await readDownload(await exportAs(page, renamed, 'JSON'))) as {
    format: string;
    version: number;
    sessions: Array<{
      title: string;
      source: string;
      utterances: Array<{ text: string; startMs: number; endMs: number }>;
    }>;
  };
  expect(json.format).toBe('scribe-vault-export');
  expect(json.version).toBe(1);
  expect(json.sessions).toHaveLength(1);
  expect(json.sessions[0]!.title).toBe('Quarterly standup');
  expect(json.sessions[0]!.source).toBe('demo');
  expect(json.sessions[0]!.utterances.map((u) => u.text)).toEqual(LINES);
  for (const u of json.sessions[0]!.utterances) expect(u.endMs).toBeGreaterThan(u.startMs);

  // Open it read-only.
  await renamed.getByRole('button', { name: 'Quarterly standup' }).click();
  await expect(page.getByRole('heading', { name: 'Quarterly standup', level: 2 })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Transcript' }).getByRole('listitem')).toHaveCount(3);
  await expect(renamed).toHaveAttribute('aria-current', 'true');

  // Delete asks first; Cancel keeps it, Delete removes it.
  await renamed.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
  await expect(renamed).toBeVisible();
  await renamed.getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByRole('dialog')).toContainText('Quarterly standup');
  await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
  await expect(renamed).toHaveCount(0);
  // The open view of the deleted session closes; the recorder is back.
  await expect(page.getByRole('heading', { name: 'Quarterly standup' })).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Record', exact: true })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('button', { name: 'Start' })).toBeVisible();
  await expect(sessionItem(page, 'Quarterly standup')).toHaveCount(0);

  // The JSON export replays through the Demo source with its recorded text.
  await startDemo(page, { file: { name: 'standup-export.json', text: JSON.stringify(json) }, speed: '20×' });
  await waitUntilIdle(page);
  await expect(finalLines(page).locator('.text')).toHaveText(LINES);
  await expect(sessionList(page).getByRole('listitem').first()).toContainText('standup-export.json');
});

test('Stop mid-sentence keeps the words said so far as a final', async ({ page }) => {
  await openApp(page);
  await startDemo(page, { speed: '1×' });
  await expect(log(page).locator('[data-partial]')).toBeAttached();
  await page.waitForTimeout(1200);
  await page.getByRole('button', { name: 'Stop' }).click();
  await waitUntilIdle(page);
  await expect(log(page).locator('[data-partial]')).toHaveCount(0);
  const said = (await finalLines(page).locator('.text').allTextContents()).join(' ');
  expect(said.length).toBeGreaterThan(0);
  expect('Good morning everyone, and thanks for joining the Thursday planning call.').toContain(said);
  const item = sessionList(page).getByRole('listitem').first();
  await item.getByRole('button', { name: /^Demo · sample/ }).click();
  await expect(page.getByRole('list', { name: 'Transcript' })).toHaveText(
    new RegExp(said.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')),
  );
});

test('keyboard shortcut Ctrl+Enter starts and stops', async ({ page }) => {
  await openApp(page);
  await page.getByLabel('Source').selectOption('Demo');
  await page.getByLabel('Speed').selectOption('1×');
  await page.keyboard.press('Control+Enter');
  await expect(page.getByRole('button', { name: 'Stop' })).toBeEnabled();
  await expect(log(page).locator('[data-partial]')).toBeAttached();
  await page.keyboard.press('Control+Enter');
  await waitUntilIdle(page);
  await expect(page.getByText('Shortcut:')).toBeVisible();
});

test('the live log follows new text until the user scrolls up', async ({ page }) => {
  await openApp(page);
  const lines = Array.from({ length: 60 }, (_, i) => `Line ${i + 1} of a long replay.`);
  await startDemo(page, { file: { name: 'long.txt', text: lines.join('\n') }, speed: '20×' });
  const box = log(page);
  await expect.poll(() => finalLines(page).count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(25);
  const gap = () => box.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);
  expect(await gap()).toBeLessThanOrEqual(40); // following the newest line

  await box.hover();
  await page.mouse.wheel(0, -100_000);
  await expect.poll(() => box.evaluate((el) => el.scrollTop)).toBe(0);
  await expect(page.getByRole('button', { name: 'Jump to latest ↓' })).toBeVisible();
  const countBefore = await finalLines(page).count();
  await expect.poll(() => finalLines(page).count()).toBeGreaterThan(countBefore + 5);
  expect(await box.evaluate((el) => el.scrollTop)).toBe(0); // not yanked back down

  await page.getByRole('button', { name: 'Jump to latest ↓' }).click();
  await expect(page.getByRole('button', { name: 'Jump to latest ↓' })).toHaveCount(0);
  await waitUntilIdle(page);
  expect(await gap()).toBeLessThanOrEqual(40);
});

test('a replay file that is not a transcript is refused with a message', async ({ page }) => {
  await openApp(page);
  await page.getByLabel('Source').selectOption('Demo');
  await page.getByLabel('Replay file').setInputFiles({
    name: 'data.json',
    mimeType: 'application/json',
    buffer: Buffer.from('{"rows": [1, 2, 3]}'),
  });
  await expect(page.getByRole('alert')).toHaveText(
    'This file is not a Scribe Vault export (missing format field).',
  );
  await page
    .getByLabel('Replay file')
    .setInputFiles({ name: 'empty.txt', mimeType: 'text/plain', buffer: Buffer.from('\n\n') });
  await expect(page.getByRole('alert')).toHaveText('This text file has no lines to replay.');
  await expect(sessionList(page).getByRole('listitem')).toHaveCount(0);
});
