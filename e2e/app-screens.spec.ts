import { expect, test, type Page } from '@playwright/test';
import { finalLines, log, openApp, sessionList, startDemo, waitUntilIdle } from './helpers-app/app.ts';

/** Screenshots of the main views at desktop and phone width, light and dark, kept as test artifacts. */
const VIEWPORTS = [
  { name: 'desktop', viewport: { width: 1280, height: 800 }, colorScheme: 'light' as const },
  { name: 'phone', viewport: { width: 360, height: 740 }, colorScheme: 'dark' as const },
];

async function shoot(page: Page, name: string) {
  await page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: true });
}

for (const { name, viewport, colorScheme } of VIEWPORTS) {
  test(`main views at ${name} width`, async ({ page }) => {
    await page.setViewportSize(viewport);
    await page.emulateMedia({ colorScheme });
    await openApp(page);
    await shoot(page, `${name}-1-empty`);

    await startDemo(page, { speed: '4×' });
    await expect(finalLines(page)).toHaveCount(2, { timeout: 30_000 });
    await expect(log(page).locator('[data-partial]')).toBeAttached();
    await shoot(page, `${name}-2-recording`);
    await page.getByRole('button', { name: 'Stop' }).click();
    await waitUntilIdle(page);

    const item = sessionList(page).getByRole('listitem').first();
    await item.getByRole('button', { name: 'Export', exact: true }).click();
    await shoot(page, `${name}-3-sessions-export-menu`);

    await item.getByRole('button', { name: 'Delete' }).click();
    await expect(page.getByRole('dialog')).toBeVisible();
    await page.screenshot({ path: test.info().outputPath(`${name}-4-delete-dialog.png`) });
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();

    await item.getByRole('button', { name: /^Demo · sample/ }).click();
    await expect(page.getByRole('list', { name: 'Transcript' })).toBeVisible();
    await shoot(page, `${name}-5-session-view`);

    await page.getByRole('button', { name: 'Storage', exact: true }).click();
    await expect(page.getByRole('heading', { name: 'Storage', exact: true })).toBeVisible();
    await expect(page.getByText('Bytes by kind')).toBeVisible();
    await shoot(page, `${name}-6-storage`);

    // No horizontal overflow at any width: the layout fits the viewport.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });
}
