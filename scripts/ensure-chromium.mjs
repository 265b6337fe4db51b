#!/usr/bin/env node
// Finds a Chromium for the e2e suite: $CHROMIUM_PATH, then Playwright's own browser, then
// /usr/bin/chromium. When none is found and we run as root, installs Debian's `chromium` with apt;
// otherwise prints the one command to run and fails.
import { execSync } from 'node:child_process';
import { findChromium } from './find-chromium.mjs';

const found = findChromium();
if (found) {
  console.log(`e2e: using Chromium at ${found}`);
  process.exit(0);
}
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!isRoot) {
  console.error('e2e: no Chromium found. Install it with:\n\n  sudo apt-get install -y chromium\n');
  process.exit(1);
}
console.log('e2e: no Chromium found; installing Debian package "chromium" with apt-get…');
execSync('apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium', {
  stdio: 'inherit',
});
const installed = findChromium();
if (!installed) {
  console.error('e2e: apt-get finished but no Chromium was found at /usr/bin/chromium');
  process.exit(1);
}
console.log(`e2e: using Chromium at ${installed}`);
