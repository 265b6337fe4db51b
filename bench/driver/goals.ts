/** DESIGN.md §5 goals, checked against the measurements (met / missed / not measured). */
import type { AppendRow } from './append.ts';
import { fmt, type BenchReport, type GoalRow } from './report.ts';

function row(rows: AppendRow[], id: string): AppendRow | undefined {
  return rows.find((r) => r.id === id);
}

function ratioGoal(
  goal: string,
  target: number,
  ours: AppendRow | undefined,
  peer: AppendRow | undefined,
): GoalRow {
  if (!ours || !peer) return { goal, target: `≥ ${target}×`, measured: 'n/a', status: 'not measured' };
  const ratio = ours.throughput / peer.throughput;
  return {
    goal,
    target: target >= 1 ? `≥ ${target}×` : `≥ ${fmt.pct(target)}`,
    measured: `${target >= 1 ? fmt.ratio(ratio) : fmt.pct(ratio)} (${fmt.int(ours.throughput)} vs ${fmt.int(peer.throughput)} rec/s)`,
    status: ratio >= target ? 'met' : 'missed',
  };
}

export function evaluateGoals(report: BenchReport): GoalRow[] {
  const goals: GoalRow[] = [];
  const rows = report.append;
  // Worker-side cost: the real engine hosted in a bench worker (falls back to the bare codec + writer).
  const oursId = row(rows, 'scribe-engine') ? 'scribe-engine' : 'wal-writer';
  const ours = row(rows, oursId);
  if (ours) {
    goals.push({
      goal: `Append: worker-side cost per record, median (${oursId})`,
      target: '≤ 30 µs',
      measured: `${fmt.us(ours.p50Us)} µs`,
      status: ours.p50Us <= 30 ? 'met' : 'missed',
    });
  }
  const oursThroughput = row(rows, 'scribe-api') ?? ours;
  const tag = oursThroughput?.id ?? oursId;
  goals.push(
    ratioGoal(
      `Append throughput vs IndexedDB put per record (${tag})`,
      10,
      oursThroughput,
      row(rows, 'idb-put'),
    ),
  );
  goals.push(
    ratioGoal(
      `Append throughput vs SQLite INSERT per record (${tag})`,
      3,
      oursThroughput,
      row(rows, 'sqlite-autocommit'),
    ),
  );
  goals.push(
    ratioGoal(`Append throughput vs raw OPFS write() (${tag})`, 0.5, oursThroughput, row(rows, 'opfs-raw')),
  );
  for (const extra of report.extraGoals ?? []) goals.push(extra);
  // Correctness goals are the test suite's job (tests check behaviour, the bench only measures).
  goals.push({
    goal: 'Reliability: random crash points, truncations, bit flips, random bytes',
    target: 'zero acknowledged records lost; all damage detected',
    measured:
      'not a benchmark: see tests/reader-corruption.test.ts, tests/reader-fuzz.test.ts and e2e/persistence-crash.spec.ts',
    status: 'not measured',
  });
  goals.push({
    goal: 'Privacy: deleted session text nowhere in the profile',
    target: 'absent',
    measured: 'not a benchmark: see e2e/persistence-privacy.spec.ts',
    status: 'not measured',
  });
  return goals;
}
