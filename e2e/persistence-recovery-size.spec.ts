/**
 * Recovery of a full 10 MB WAL segment left by a dead writer (about 100k records of one session, as an
 * hour-long recording would leave): the next start-up rebuilds the session, the UI shows it, and every
 * final is there. The time from reload to the recovery banner is attached as an annotation.
 */
import { expect, test } from '@playwright/test';
import { encodeFrames } from '../src/core/framing.ts';
import type { WalRecord } from '../src/core/records.ts';
import { launchVault, newProfileDir, openApp, readSessionInUi, removeProfileDir } from './helpers/vault.ts';

// This test launches its own browser context: Playwright's per-test tracing only gets in the way.
test.use({ trace: 'off' });

const TARGET_BYTES = 10 * 1024 * 1024;

function bigSegment(sessionId: string): { bytes: Uint8Array; finals: number; records: number } {
  const t0 = Date.now() - 3_600_000;
  const records: WalRecord[] = [
    { type: 'session-start', sessionId, seq: 0, at: t0, title: 'Ten megabytes', source: 'demo', lang: 'en' },
  ];
  let seq = 1;
  let bytes = 0;
  let utterance = 0;
  let finals = 0;
  while (bytes < TARGET_BYTES - 4096) {
    const words = `segment utterance ${utterance} with a dozen words of ordinary meeting talk in it`.split(
      ' ',
    );
    for (let w = 1; w <= words.length; w++) {
      const isFinal = w === words.length;
      const common = {
        sessionId,
        seq: seq++,
        at: t0 + seq * 10,
        utterance,
        startMs: utterance * 4000,
        text: words.slice(0, w).join(' '),
      };
      const record: WalRecord = isFinal
        ? { ...common, type: 'final', endMs: utterance * 4000 + 3500, confidence: 0.9 }
        : { ...common, type: 'partial' };
      records.push(record);
      bytes += 40 + common.text.length;
    }
    finals++;
    utterance++;
  }
  return { bytes: encodeFrames(records), finals, records: records.length };
}

test('a 10 MB segment of a dead writer is recovered at start-up and shown', async () => {
  test.setTimeout(180_000);
  const profileDir = await newProfileDir('big');
  const vault = await launchVault(profileDir);
  try {
    const page = await openApp(vault);
    const segment = bigSegment('bigsession01');
    const base64 = Buffer.from(segment.bytes).toString('base64');
    await page.evaluate(async (b64) => {
      const bin = atob(b64);
      const data = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) data[i] = bin.charCodeAt(i);
      const root = await navigator.storage.getDirectory();
      const wal = await root.getDirectoryHandle('wal', { create: true });
      const dir = await wal.getDirectoryHandle('deadwriter10mb', { create: true });
      const file = await dir.getFileHandle('00000001.wal', { create: true });
      const writable = await file.createWritable();
      await writable.write(data);
      await writable.close();
    }, base64);

    const started = Date.now();
    await page.reload();
    await expect(page.getByRole('status').filter({ hasText: /^Recovered 1 session/ })).toBeVisible({
      timeout: 60_000,
    });
    const reloadToBannerMs = Date.now() - started;
    test.info().annotations.push({
      type: 'recovery',
      description: `${(segment.bytes.length / 1048576).toFixed(1)} MB, ${segment.records} records: reload → banner ${reloadToBannerMs} ms`,
    });
    console.log(
      `10 MB recovery: ${segment.bytes.length} bytes, ${segment.records} records, reload → banner ${reloadToBannerMs} ms`,
    );
    const shown = await readSessionInUi(page, 'Ten megabytes');
    expect(shown).toHaveLength(segment.finals);
    expect(shown.every((u) => !u.uncertain)).toBe(true);
    expect(shown.at(-1)!.text).toBe(
      `segment utterance ${segment.finals - 1} with a dozen words of ordinary meeting talk in it`,
    );
  } finally {
    await vault.context.close().catch(() => undefined);
    await removeProfileDir(profileDir);
  }
});
