/**
 * The IndexedDB schema upgrade path and start-up reconciliation, in Chromium: a profile holding a
 * version-1 database (sessions + audit, no settings store) with a row whose session file is missing
 * is opened by the app. The upgrade runs, the orphan row is reconciled away and audited, and the
 * settings added in version 2 work (the retention setting survives a reload).
 */
import { expect, test } from '@playwright/test';
import { launchVault, newProfileDir, openApp, removeProfileDir } from './helpers/vault.ts';

// This test launches its own browser context: Playwright's per-test tracing only gets in the way.
test.use({ trace: 'off' });

test('a version-1 database is upgraded in place, reconciled with OPFS, and the new settings store works', async () => {
  const profileDir = await newProfileDir('idb');
  const vault = await launchVault(profileDir);
  try {
    const page = vault.context.pages()[0] ?? (await vault.context.newPage());
    // A page of the origin that does not start the app, to plant the old database.
    await page.goto('/manifest.webmanifest');
    await page.evaluate(
      () =>
        new Promise<void>((resolve, reject) => {
          const open = indexedDB.open('scribe-vault', 1);
          open.onupgradeneeded = () => {
            const db = open.result;
            db.createObjectStore('sessions', { keyPath: 'id' }).createIndex('startedAt', 'startedAt');
            db.createObjectStore('audit', { keyPath: 'id', autoIncrement: true }).createIndex('at', 'at');
          };
          open.onsuccess = () => {
            const db = open.result;
            const tx = db.transaction('sessions', 'readwrite');
            tx.objectStore('sessions').put({
              id: 'orphan-row',
              title: 'Row without a file',
              source: 'demo',
              lang: 'en',
              status: 'stopped',
              startedAt: Date.now() - 1000,
              updatedAt: Date.now(),
              stoppedAt: Date.now(),
              durationMs: 1000,
              finals: 1,
              bytes: 10,
              writerId: null,
              hasUncertain: false,
            });
            tx.oncomplete = () => {
              db.close();
              resolve();
            };
            tx.onerror = () => reject(tx.error);
          };
          open.onerror = () => reject(open.error);
        }),
    );

    await openApp(vault);
    await expect(page.getByRole('list', { name: 'Sessions' }).getByRole('listitem')).toHaveCount(0);
    const version = await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          const open = indexedDB.open('scribe-vault');
          open.onsuccess = () => {
            const v = open.result.version;
            open.result.close();
            resolve(v);
          };
        }),
    );
    expect(version).toBe(2);

    await page
      .getByRole('navigation', { name: 'Views' })
      .getByRole('button', { name: /Storage/ })
      .click();
    await expect(page.getByRole('row').filter({ hasText: 'Index repaired' })).toContainText('removed: 1');
    const retention = page.getByRole('combobox', { name: 'Delete sessions older than' });
    await retention.selectOption('30');
    await page.reload();
    await page
      .getByRole('navigation', { name: 'Views' })
      .getByRole('button', { name: /Storage/ })
      .click();
    await expect(page.getByRole('combobox', { name: 'Delete sessions older than' })).toHaveValue('30');
  } finally {
    await vault.context.close().catch(() => undefined);
    await removeProfileDir(profileDir);
  }
});
