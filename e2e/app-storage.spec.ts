import { expect, test } from '@playwright/test';
import { openApp, startDemo, waitUntilIdle } from './helpers-app/app.ts';

test('the Storage view shows usage, persistence, bytes by kind, retention and the audit log', async ({
  page,
}) => {
  await openApp(page);
  await startDemo(page, { file: { name: 'storage.txt', text: 'alpha beta gamma\ndelta epsilon\n' } });
  await waitUntilIdle(page);

  await page.getByRole('button', { name: 'Storage', exact: true }).click();
  const view = page.getByRole('region', { name: 'Storage' });
  await expect(view.getByRole('heading', { name: 'Usage' })).toBeVisible();
  await expect(view.getByRole('meter', { name: 'Storage used' })).toBeVisible();
  await expect(view.getByText(/of the quota this browser allows/)).toBeVisible();
  await expect(view.getByRole('heading', { name: 'Persistent storage' })).toBeVisible();
  await expect(view.getByText(/^(Persistent|Best effort|Unknown)$/)).toBeVisible();

  const kinds = view.getByRole('table').first();
  for (const kind of ['Write-ahead log', 'Ring buffer', 'Session files', 'Index', 'Total']) {
    await expect(kinds.getByRole('rowheader', { name: kind })).toBeVisible();
  }
  await expect(kinds.getByRole('row', { name: /Session files/ })).not.toContainText(/^Session files\s*0 B/);

  // Retention: a choice is saved and read back after a reload.
  await view.getByLabel('Delete sessions older than').selectOption({ label: '30 days' });
  await expect(view.getByText('Sessions older than 30 days are deleted automatically.')).toBeVisible();
  await page.reload();
  await page.getByRole('button', { name: 'Storage', exact: true }).click();
  await expect(page.getByLabel('Delete sessions older than')).toHaveValue('30');
  await page.getByLabel('Delete sessions older than').selectOption({ label: 'Keep forever' });
  await expect(page.getByText('Sessions are kept until you delete them.')).toBeVisible();

  // The audit log lists what happened, without transcript text.
  const audit = page.getByRole('table').filter({ has: page.getByRole('columnheader', { name: 'Action' }) });
  await expect(audit).toContainText('Created');
  await expect(audit).toContainText('Stopped');
  await expect(audit).not.toContainText('alpha beta');
});
