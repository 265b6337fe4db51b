import { expect, test } from '@playwright/test';

test('the built app renders', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Scribe Vault' })).toBeVisible();
});
