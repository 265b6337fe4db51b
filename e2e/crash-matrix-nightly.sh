#!/usr/bin/env bash
# Nightly-style crash matrix: hundreds of seeded crash points (default 500) against the production build.
#   e2e/crash-matrix-nightly.sh [points] [seed]
# Each run uses a new seed unless one is given, so successive nights cover different crash moments;
# the seed is printed so a failure can be replayed exactly with CRASH_SEED.
set -euo pipefail
cd "$(dirname "$0")/.."
points="${1:-500}"
seed="${2:-$(date +%s)}"
echo "crash matrix: ${points} crash points, CRASH_SEED=${seed}"
node scripts/ensure-chromium.mjs
npx vite build
CRASH_POINTS="$points" CRASH_SEED="$seed" npx playwright test e2e/persistence-crash.spec.ts
