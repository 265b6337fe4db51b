/**
 * `npm run bench [-- --quick] [-- --only=append,recovery,…]`: builds the bench pages with Vite, serves
 * them locally, drives a headless Chromium with a persistent profile through every contender and
 * measurement, prints the tables and rewrites bench/RESULTS.md. With --only (sections: append,
 * recovery, main-thread, scale, app, size) just those run and RESULTS.md is left alone: a partial run
 * is for profiling one thing, never the published table.
 */
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { PEER_DURABILITY, PEER_KINDS, PEER_LABELS } from './shared/protocol.ts';
import {
  API_DURABILITY,
  API_LABELS,
  apiRunner,
  peerRunner,
  runAppend,
  type TrialRunner,
} from './driver/append.ts';
import { launchBench } from './driver/browser.ts';
import { benchConfig } from './driver/config.ts';
import { evaluateGoals } from './driver/goals.ts';
import { filesystemOf, loadAverage, machineInfo, sourceRevision } from './driver/machine.ts';
import {
  printReport,
  writeResultsMarkdown,
  type BenchReport,
  type GoalRow,
  type Section,
} from './driver/report.ts';
import { buildApp, runAppRecovery } from './driver/app-recovery.ts';
import { runMainThread } from './driver/main-thread.ts';
import { runRecovery } from './driver/recovery.ts';
import { runScale } from './driver/scale.ts';
import { runSize } from './driver/size.ts';
import { serveStatic } from './driver/server.ts';

const started = Date.now();
const loadAtStart = loadAverage();
const config = benchConfig(process.argv.slice(2));
const SECTIONS = ['append', 'recovery', 'main-thread', 'scale', 'app', 'size'] as const;
const onlyArg = process.argv.find((a) => a.startsWith('--only='));
const only = onlyArg ? new Set(onlyArg.slice('--only='.length).split(',').filter(Boolean)) : null;
for (const name of only ?? []) {
  if (!(SECTIONS as readonly string[]).includes(name)) {
    console.error(`Unknown bench section "${name}"; known: ${SECTIONS.join(', ')}`);
    process.exit(2);
  }
}
const wants = (section: (typeof SECTIONS)[number]): boolean => only === null || only.has(section);
const log = (line: string) =>
  console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);
const benchDir = fileURLToPath(new URL('.', import.meta.url));

async function main(): Promise<void> {
  const revision = sourceRevision();
  log(`Scribe Vault bench (${config.quick ? 'quick' : 'full'}) at ${revision} — building bench pages…`);
  await build({ configFile: `${benchDir}vite.config.ts`, logLevel: 'warn' });
  if (wants('app')) {
    log('Building the app (production build, for the end-to-end crash → reload run)…');
    await buildApp();
  }
  const server = await serveStatic(`${benchDir}scratch/dist`);
  const browser = await launchBench('append');
  try {
    const page = await browser.newPage(`${server.origin}/index.html`);
    const crossOriginIsolated = await page.evaluate(() => window.__bench!.crossOriginIsolated);
    const chromiumVersion =
      browser.context.browser()?.version() ?? (await page.evaluate(() => navigator.userAgent));

    let append: Awaited<ReturnType<typeof runAppend>> = { rows: [], live: [], clockResolutionUs: Number.NaN };
    if (wants('append')) {
      log('Append: every contender, interleaved rounds');
      const runners = new Map<string, TrialRunner>();
      runners.set('scribe-api', apiRunner(page, 'pipelined'));
      runners.set('scribe-api-awaited', apiRunner(page, 'awaited'));
      for (const kind of PEER_KINDS) runners.set(kind, peerRunner(page, kind));
      append = await runAppend(config, runners, log);
    }

    const sections: Section[] = [];
    const extraGoals: GoalRow[] = [];
    if (wants('recovery')) {
      log('Recovery: WAL vs SQLite reopen');
      const recovery = await runRecovery(page, config, log);
      sections.push(recovery.section);
      extraGoals.push(...recovery.goals);
    }

    if (wants('main-thread')) {
      log('Main-thread impact');
      const mainThread = await runMainThread(page, config, log);
      sections.push(mainThread.section);
      extraGoals.push(...mainThread.goals);
    }

    if (wants('scale')) {
      log('Scale and crash → reload (fresh profile)');
      const scale = await runScale(server.origin, config, log);
      sections.push(...scale.sections);
      extraGoals.push(...scale.goals);
    }

    if (wants('app')) {
      log('App end to end: crash → reload → transcript');
      const app = await runAppRecovery(3, log);
      sections.push(app.section);
      extraGoals.push(...app.goals);
    }

    if (wants('size')) {
      log('Size on disk: one fresh profile per store');
      const size = await runSize(server.origin, config, log);
      sections.push(size.section);
      extraGoals.push(...size.goals);
    }

    const report: BenchReport = {
      date: new Date().toISOString(),
      durationS: (Date.now() - started) / 1000,
      revision,
      config,
      machine: machineInfo(chromiumVersion, loadAtStart),
      profileFs: filesystemOf(browser.profileDir),
      crossOriginIsolated,
      clockResolutionUs: append.clockResolutionUs,
      labels: { ...API_LABELS, ...PEER_LABELS },
      durability: { ...API_DURABILITY, ...PEER_DURABILITY },
      append: append.rows,
      live: append.live,
      goals: [],
      sections,
      extraGoals,
      notes: [
        'All browser work runs in one headless Chromium with a persistent profile in a temporary directory (on-disk OPFS and IndexedDB), against production builds (Vite) served from 127.0.0.1 with COOP/COEP headers (cross-origin isolated: 5 µs timer resolution, measureUserAgentSpecificMemory). The end-to-end app run serves the app build without those headers, as deployed.',
        '`scribe-api*` time only the appends (startSession/stopSession are outside the clock: the stop also checkpoints the session into its own file, which no peer does). `scribe-engine` hosts the same engine and OPFS/IndexedDB adapters the persistence worker uses, in a bench worker, so each record can be timed without the Comlink hop; its flush() column is empty because the engine flushes by itself with the same policy.',
        'Other processes on the machine skew absolute timings (see the load average above); contenders are interleaved so ratios stay comparable within a run.',
      ],
    };
    report.goals = evaluateGoals(report);
    report.durationS = (Date.now() - started) / 1000;
    report.machine.loadEnd = loadAverage();
    printReport(report);
    if (only) {
      log(`\nPartial run (--only=${[...only].join(',')}): bench/RESULTS.md left as it was`);
    } else {
      await writeResultsMarkdown(`${benchDir}RESULTS.md`, report);
      log(`\nWrote bench/RESULTS.md (${Math.round(report.durationS)} s)`);
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
