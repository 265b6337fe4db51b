import { expect, test, type Page } from '@playwright/test';
import { installFakeSpeech, type FakeSpeechHandle } from './helpers-app/fake-speech.ts';
import { finalLines, log, openApp, sessionList, waitUntilIdle } from './helpers-app/app.ts';

declare global {
  interface Window {
    __fakeSpeech: FakeSpeechHandle;
  }
}

const speech = {
  say: (page: Page, index: number, text: string, isFinal: boolean) =>
    page.evaluate(
      ([i, t, f]) => window.__fakeSpeech.say(i as number, t as string, f as boolean),
      [index, text, isFinal],
    ),
  fail: (page: Page, error: string) => page.evaluate((e) => window.__fakeSpeech.fail(e), error),
  end: (page: Page) => page.evaluate(() => window.__fakeSpeech.end()),
  runs: (page: Page) => page.evaluate(() => window.__fakeSpeech.runs),
};

test.beforeEach(async ({ page }) => {
  await page.addInitScript(installFakeSpeech);
  await openApp(page);
  await page.getByLabel('Source').selectOption('Microphone');
  await expect(page.getByText(/Cloud recognition/)).toBeVisible();
  await page.getByRole('button', { name: 'Start' }).click();
  await expect.poll(() => speech.runs(page)).toBe(1);
});

test('interim results show as partials, finals replace them, and a self-ended recogniser restarts without duplicates', async ({
  page,
}) => {
  await speech.say(page, 0, 'hello', false);
  await expect(log(page).locator('[data-partial]')).toHaveText(/hello$/);
  await speech.say(page, 0, 'hello there', false);
  await expect(log(page).locator('[data-partial]')).toHaveText(/hello there$/);
  await speech.say(page, 0, 'Hello there.', true);
  await expect(finalLines(page).locator('.text')).toHaveText(['Hello there.']);
  await expect(log(page).locator('[data-partial]')).toHaveCount(0);
  await speech.say(page, 1, 'and then silence', false);

  // The recogniser stops by itself after silence: the open partial is kept, a new run starts.
  await speech.end(page);
  await expect.poll(() => speech.runs(page)).toBe(2);
  await expect(finalLines(page).locator('.text')).toHaveText(['Hello there.', 'and then silence']);
  await speech.say(page, 0, 'second run', false);
  await speech.say(page, 0, 'Second run.', true);
  await expect(finalLines(page).locator('.text')).toHaveText([
    'Hello there.',
    'and then silence',
    'Second run.',
  ]);
  await expect(page.getByRole('button', { name: 'Stop' })).toBeEnabled();

  await page.getByRole('button', { name: 'Stop' }).click();
  await waitUntilIdle(page);
  const item = sessionList(page).getByRole('listitem').first();
  await expect(item).toContainText('Microphone');
  await expect(item).toContainText('3 utterances');
  await item.getByRole('button', { name: /^Microphone/ }).click();
  await expect(page.getByRole('list', { name: 'Transcript' }).locator('.text')).toHaveText([
    'Hello there.',
    'and then silence',
    'Second run.',
  ]);
});

test('permission denied is explained, recording ends and no empty session is left', async ({ page }) => {
  await speech.fail(page, 'not-allowed');
  await speech.end(page);
  await expect(page.getByRole('alert').filter({ hasText: 'Microphone permission was denied' })).toBeVisible();
  await waitUntilIdle(page);
  expect(await speech.runs(page)).toBe(1);
  await expect(sessionList(page).getByRole('listitem')).toHaveCount(0);
});

test('no speech keeps listening and says so', async ({ page }) => {
  await speech.fail(page, 'no-speech');
  await speech.end(page);
  await expect(page.getByText('No speech heard yet — still listening.')).toBeVisible();
  await expect.poll(() => speech.runs(page)).toBe(2);
  await expect(page.getByRole('button', { name: 'Stop' })).toBeEnabled();
  await speech.say(page, 0, 'finally words', true);
  await expect(finalLines(page).locator('.text')).toHaveText(['finally words']);
  await page.getByRole('button', { name: 'Stop' }).click();
  await waitUntilIdle(page);
});
