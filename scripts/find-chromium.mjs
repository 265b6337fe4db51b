// Shared by the e2e config, the bench runner and ensure-chromium.mjs.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

/** @returns {string | null} */
export function findChromium() {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  try {
    const require = createRequire(import.meta.url);
    const { chromium } = require('playwright-core');
    const own = chromium.executablePath();
    if (own && existsSync(own)) return own;
  } catch {
    // playwright-core missing or no browser registry entry: fall through
  }
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  return null;
}

/** Flags these machines need: root (no sandbox) and no network (no background connections). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
