import { expect, test, type Page } from '@playwright/test';
import {
  exportAs,
  openApp,
  readDownload,
  sessionItem,
  sessionList,
  startDemo,
  waitUntilIdle,
} from './helpers-app/app.ts';

const REPLAY = {
  name: 'roundtrip.txt',
  text: 'First line of the round trip.\nSecond line, with “quotes” & symbols <ok>.\n',
};

async function importText(page: Page, name: string, text: string) {
  await page
    .getByLabel('Import sessions')
    .setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
}

async function listedTitles(page: Page): Promise<string[]> {
  return sessionList(page).getByRole('listitem').locator('.title').allTextContents();
}

test('a JSON export round-trips exactly; bad files are refused and change nothing', async ({ page }) => {
  await openApp(page);
  await startDemo(page, { file: REPLAY, speed: '20×' });
  await waitUntilIdle(page);
  const item = sessionItem(page, /roundtrip\.txt/);
  const exported = await readDownload(await exportAs(page, item, 'JSON'));
  const original = JSON.parse(exported) as { sessions: unknown[] };

  // Importing the file while the session exists adds nothing.
  await importText(page, 'export.json', exported);
  await expect(page.getByText(/Imported 0 sessions .* 1 already present, skipped\./)).toBeVisible();
  await expect(sessionList(page).getByRole('listitem')).toHaveCount(1);

  // Delete it, import it back: the same session, byte for byte in the export.
  await item.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
  await expect(sessionList(page).getByRole('listitem')).toHaveCount(0);
  await importText(page, 'export.json', exported);
  await expect(page.getByText(/Imported 1 session from “export\.json”/)).toBeVisible();
  const back = sessionItem(page, /roundtrip\.txt/);
  await expect(back).toBeVisible();
  const reexported = JSON.parse(await readDownload(await exportAs(page, back, 'JSON'))) as {
    sessions: unknown[];
  };
  expect(reexported.sessions).toEqual(original.sessions);

  // Twice: no duplicate.
  await importText(page, 'export.json', exported);
  await expect(page.getByText(/1 already present, skipped/)).toBeVisible();
  await expect(sessionList(page).getByRole('listitem')).toHaveCount(1);

  const before = await listedTitles(page);
  const refusals: Array<[string, string, RegExp]> = [
    ['malformed.json', '{"format": "scribe-vault-export", "version": 1, sessions: [}', /not valid JSON/],
    [
      'truncated.json',
      exported.slice(0, Math.floor(exported.length * 0.6)),
      /not valid JSON — it may be truncated/,
    ],
    [
      'foreign.json',
      JSON.stringify({ type: 'FeatureCollection', features: [] }),
      /not a Scribe Vault export \(missing format field\)/,
    ],
    ['newer.json', exported.replace('"version": 1', '"version": 9'), /newer version of Scribe Vault/],
  ];
  for (const [name, text, message] of refusals) {
    await importText(page, name, text);
    const alert = page.getByRole('alert').filter({ hasText: 'Import refused' });
    await expect(alert).toContainText(message);
    await expect(alert).toContainText('Nothing was changed.');
    expect(await listedTitles(page)).toEqual(before);
  }
  await page.reload();
  await expect(page.getByRole('button', { name: 'Start' })).toBeVisible();
  await expect.poll(() => listedTitles(page)).toEqual(before);
});

test('the list pages through many sessions, newest first, with Load more', async ({ page }) => {
  await openApp(page);
  const count = 120;
  const base = Date.UTC(2026, 0, 1);
  const file = {
    format: 'scribe-vault-export',
    version: 1,
    exportedAt: base + count * 60_000,
    sessions: Array.from({ length: count }, (_, i) => ({
      id: `paged-${i}`,
      title: `Paged session ${String(i).padStart(3, '0')}`,
      source: 'demo',
      lang: 'en',
      startedAt: base + i * 60_000,
      stoppedAt: base + i * 60_000 + 30_000,
      utterances: [
        { index: 0, text: `entry number ${i} quokka${i}x`, startMs: 0, endMs: 1500, confidence: null },
      ],
    })),
  };
  await importText(page, 'many.json', JSON.stringify(file));
  await expect(page.getByText(`Imported ${count} sessions`)).toBeVisible({ timeout: 90_000 });
  await expect(page.getByText(`${count} total`)).toBeVisible();
  const items = sessionList(page).getByRole('listitem');
  await expect(items).toHaveCount(50);
  await expect(items.first()).toContainText('Paged session 119');
  await expect(items.nth(49)).toContainText('Paged session 070');
  await page.getByRole('button', { name: /^Load more/ }).click();
  await expect(items).toHaveCount(100);
  await expect(items.nth(99)).toContainText('Paged session 020');
  await page.getByRole('button', { name: /^Load more \(20 more\)/ }).click();
  await expect(items).toHaveCount(count);
  await expect(page.getByRole('button', { name: /^Load more/ })).toHaveCount(0);
  // Export all: one JSON file with every session.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export all' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^scribe-vault-export_.*\.json$/);
  const all = JSON.parse(await readDownload(download)) as typeof file;
  expect(all.sessions.map((s) => s.id).sort()).toEqual(file.sessions.map((s) => s.id).sort());
  expect(all.sessions.find((s) => s.id === 'paged-7')!.utterances).toEqual(file.sessions[7]!.utterances);
  // Text search across sessions.
  await page.getByLabel('Search sessions').fill('quokka42x');
  await expect(items).toHaveCount(1);
  await expect(items.first()).toContainText('Paged session 042');
});
