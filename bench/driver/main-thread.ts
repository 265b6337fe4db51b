/**
 * Main-thread impact during a live session (see bench/page/main-thread.ts): an idle baseline, the
 * live rate in real time, and a 10-minute session compressed 10× (the same 12,000 partials in a
 * tenth of the time — ten times the work per second, so a long task absent here is absent at 1×).
 */
import type { Page } from '@playwright/test';
import { LIVE_PARTIALS_PER_SECOND } from '../shared/workload.ts';
import type { BenchConfig } from './config.ts';
import { fmt, type GoalRow, type Section } from './report.ts';

type Result = Awaited<ReturnType<NonNullable<Window['__bench']>['mainThreadResult']>>;

async function runOne(
  page: Page,
  count: number,
  partialsPerSecond: number,
  seed: number,
  idle: boolean,
): Promise<Result> {
  await page.evaluate(([c, r, s, i]) => window.__bench!.startMainThreadSession(c, r, s, i), [
    count,
    partialsPerSecond,
    seed,
    idle,
  ] as const);
  const box = await page.locator('#probe').boundingBox();
  let done = false;
  const result = page.evaluate(() => window.__bench!.mainThreadResult()).finally(() => (done = true));
  // A click every ~100 ms through Chromium's input pipeline (CDP Input.dispatchMouseEvent).
  while (!done && box) {
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return result;
}

export async function runMainThread(
  page: Page,
  config: BenchConfig,
  log: (line: string) => void,
): Promise<{ section: Section; goals: GoalRow[] }> {
  // ~9 records per 8 partials: the record count for N seconds at the live partial rate.
  const realTimeRecords = Math.round(config.mainThreadRealSeconds * LIVE_PARTIALS_PER_SECOND * 1.125);
  const runs: Array<{ name: string; result: Result }> = [];
  const plan = [
    {
      name: `idle page, ${config.mainThreadRealSeconds} s (baseline)`,
      count: realTimeRecords,
      rate: LIVE_PARTIALS_PER_SECOND,
      idle: true,
    },
    {
      name: `live rate 20 partials/s, ${config.mainThreadRealSeconds} s real time`,
      count: realTimeRecords,
      rate: LIVE_PARTIALS_PER_SECOND,
      idle: false,
    },
    {
      name: `${fmt.int(config.mainThreadCompressedRecords)} records at 10× (200 partials/s)`,
      count: config.mainThreadCompressedRecords,
      rate: LIVE_PARTIALS_PER_SECOND * 10,
      idle: false,
    },
  ];
  for (const [i, p] of plan.entries()) {
    const result = await runOne(page, p.count, p.rate, config.seed + 500 + i, p.idle);
    runs.push({ name: p.name, result });
    log(
      `  main thread: ${p.name}: ${result.longTasks} long tasks, lag p99 ${fmt.ms(result.lagP99Ms)} ms, input delay p99 ${fmt.ms(result.inputDelayP99Ms)} ms`,
    );
  }
  const persisted = runs.slice(1);
  const longTasks = persisted.reduce((n, r) => n + r.result.longTasks, 0);
  const compressed = runs[2]!.result;
  return {
    goals: [
      {
        goal: 'Main thread: long tasks (> 50 ms) during a 10-minute-equivalent session at 20 partials/s',
        target: '0',
        measured: `${longTasks} (${persisted.map((r) => `${r.result.longTasks} in ${fmt.int(r.result.records)} records`).join(', ')}); idle page baseline: ${runs[0]!.result.longTasks} in ${(runs[0]!.result.wallMs / 1000).toFixed(0)} s`,
        status: longTasks === 0 ? 'met' : 'missed',
      },
    ],
    section: {
      title: 'Main-thread impact (real facade + worker, live session)',
      header: [
        'run',
        'records',
        'wall s',
        'long tasks',
        'longest ms',
        'timer lag p50/p99/max ms',
        'input delay p50/p99/max ms (n)',
        'ack p50/p99/max ms',
      ],
      rows: runs.map(({ name, result: r }) => [
        name,
        fmt.int(r.records),
        (r.wallMs / 1000).toFixed(1),
        String(r.longTasks),
        fmt.ms(r.longTaskMaxMs),
        `${fmt.ms(r.lagP50Ms)} / ${fmt.ms(r.lagP99Ms)} / ${fmt.ms(r.lagMaxMs)}`,
        `${fmt.ms(r.inputDelayP50Ms)} / ${fmt.ms(r.inputDelayP99Ms)} / ${fmt.ms(r.inputDelayMaxMs)} (${r.inputs})`,
        r.records ? `${fmt.ms(r.ackP50Ms)} / ${fmt.ms(r.ackP99Ms)} / ${fmt.ms(r.ackMaxMs)}` : 'n/a',
      ]),
      notes: [
        `A 10-minute session at 20 partials/s is 12,000 partials. The full run replays ${fmt.int(config.mainThreadCompressedRecords)} records (≈ 12,000 partials + finals) at 10× speed: the main thread handles the same calls and acks in a tenth of the time, a strictly harder load for long tasks; the real-time run checks the live rate itself.`,
        'Timer lag: how late a 10 ms setInterval fires. Input delay: pointerdown handler start − event.timeStamp for a click every ~100 ms sent through CDP Input.dispatchMouseEvent. Ack: appendPartial/appendFinal call → acknowledgement.',
        `Compressed run: ack p99 ${fmt.ms(compressed.ackP99Ms)} ms.`,
      ],
    },
  };
}
