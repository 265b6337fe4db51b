import { expect, test } from '@playwright/test';

test('the built app renders under its Content-Security-Policy without errors', async ({ page }) => {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  const response = await page.goto('/');
  expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
  await expect(page.getByRole('heading', { name: 'Scribe Vault', level: 1 })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Start' })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByLabel('Source')).toBeVisible();
  await expect(page.getByRole('list', { name: 'Sessions' })).toBeAttached();
  expect(problems).toEqual([]);
});
