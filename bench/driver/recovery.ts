/**
 * Recovery: a WAL of 1/10/100 MiB replayed by a fresh worker (open segments, replayWal: the engine's
 * recovery code, scanning and folding per session) vs SQLite-WASM reopening the same records (wasm init, VFS pool, SELECT, same fold).
 * WAL and SQLite alternate, several repetitions, medians reported.
 */
import type { Page } from '@playwright/test';
import type { RecoveryResult } from '../shared/protocol.ts';
import { median } from '../shared/stats.ts';
import type { BenchConfig } from './config.ts';
import { fmt, type GoalRow, type Section } from './report.ts';

type Measured = RecoveryResult & { pageMs: number };

export async function runRecovery(
  page: Page,
  config: BenchConfig,
  log: (line: string) => void,
): Promise<{ section: Section; goals: GoalRow[] }> {
  const rows: string[][] = [];
  const goals: GoalRow[] = [];
  for (const mib of config.recoveryMb) {
    const reps = mib >= 100 || config.quick ? 1 : mib >= 10 ? 2 : 3;
    const runs: Record<'wal' | 'sqlite', Measured[]> = { wal: [], sqlite: [] };
    for (let rep = 0; rep < reps; rep++) {
      for (const kind of rep % 2 === 0 ? (['wal', 'sqlite'] as const) : (['sqlite', 'wal'] as const)) {
        if (kind === 'sqlite' && mib > config.recoverySqliteMaxMb) continue;
        const r = await page.evaluate(([k, m, s]) => window.__bench!.recovery(k, m, s), [
          kind,
          mib,
          config.seed + rep,
        ] as const);
        runs[kind].push(r);
        log(
          `  recovery ${mib} MiB ${kind.padEnd(6)} ${r.recoverMs.toFixed(1)} ms in worker, ${r.pageMs.toFixed(1)} ms from new Worker`,
        );
      }
    }
    const wal = runs.wal;
    const sql = runs.sqlite;
    const walMs = median(wal.map((r) => r.recoverMs));
    const sqlMs = median(sql.map((r) => r.recoverMs));
    rows.push([
      `${mib} MiB`,
      fmt.int(wal[0]!.records),
      fmt.ms(walMs),
      fmt.ms(median(wal.map((r) => r.readMs))),
      fmt.ms(median(wal.map((r) => r.pageMs))),
      fmt.ms(sqlMs),
      fmt.ms(median(sql.map((r) => r.coldStartMs))),
      fmt.ms(median(sql.map((r) => r.pageMs))),
      sql[0] ? fmt.mb(sql[0].bytes) : 'n/a (skipped)',
      fmt.ratio(sqlMs / walMs),
    ]);
    if (mib === 10) {
      goals.push({
        goal: 'Recovery: a full 10 MiB WAL segment replayed in the worker',
        target: '≤ 100 ms',
        measured: `${fmt.ms(walMs)} ms (${fmt.int(wal[0]!.records)} records)`,
        status: walMs <= 100 ? 'met' : 'missed',
      });
    }
  }
  return {
    goals,
    section: {
      title: 'Recovery (worker-side, fresh worker as after a reload)',
      header: [
        'WAL size',
        'records',
        'WAL recover ms',
        'of which replayWal ms',
        'WAL from new Worker ms',
        'SQLite recover ms',
        'of which wasm+VFS ms',
        'SQLite from new Worker ms',
        'SQLite db size',
        'SQLite / WAL',
      ],
      rows,
      notes: [
        'WAL recover = open every segment (10 MiB rotation) and read it, then replayWal, the code the engine’s start-up recovery runs on a dead writer’s files (src/store/wal-replay.ts: CRC-check and decode every frame, fold each record into its session as it is read, partial texts decoded only for the partials the fold keeps), then utterancesOf per session. SQLite recover = load wasm, installOpfsSAHPoolVfs, open, SELECT … ORDER BY session, seq, rows → records → the same RecoveryFold. "from new Worker" adds worker start-up and module load, measured on the page.',
        'The generated data is one session per ~50,000 records (a 10 MiB segment ≈ one 4-hour session); both sides store identical records.',
      ],
    },
  };
}
