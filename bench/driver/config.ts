/** Bench sizes for --quick and the full run. */
import { DEFAULT_FLUSH_POLICY } from '../../src/core/flush-policy.ts';
import type { FlushCadence } from '../shared/protocol.ts';

export interface BenchConfig {
  quick: boolean;
  /** Interleaved rounds of every append contender. */
  rounds: number;
  /** Records per full-speed trial. */
  recordsPerTrial: number;
  /** Records per live-rate (20 partials/s) trial; 0 skips the live-rate peers. */
  liveRecords: number;
  /** WAL sizes for the recovery runs, MB. */
  recoveryMb: number[];
  /** Largest WAL size the SQLite side is also built for (it takes ~30 s per 10 MiB to prepare). */
  recoverySqliteMaxMb: number;
  /** Main-thread impact: real-time seconds at 20 partials/s, and compressed records at 10× speed. */
  mainThreadRealSeconds: number;
  mainThreadCompressedRecords: number;
  /** Sessions in the index for the list-screen measurement. */
  scaleSessions: number;
  /** Of those, how many go through the real import API (timed); the rest are bulk-seeded. */
  importSessions: number;
  /** Partials of the long session (8 h ≈ 300k at the live rate ~10/s of partial changes). */
  longSessionPartials: number;
  /** Records written into each store for the size-on-disk comparison. */
  sizeRecords: number;
  seed: number;
}

/** The app's own flush cadence (src/core/flush-policy.ts), applied to every contender. */
export const CADENCE: FlushCadence = {
  everyPartials: DEFAULT_FLUSH_POLICY.everyPartials,
  intervalMs: DEFAULT_FLUSH_POLICY.intervalMs,
  onFinal: true,
};

export function benchConfig(argv: readonly string[]): BenchConfig {
  const quick = argv.includes('--quick');
  return quick
    ? {
        quick,
        rounds: 2,
        recordsPerTrial: 600,
        liveRecords: 0,
        recoveryMb: [1, 10],
        recoverySqliteMaxMb: 1,
        mainThreadRealSeconds: 4,
        mainThreadCompressedRecords: 1_500,
        scaleSessions: 500,
        importSessions: 50,
        longSessionPartials: 10_000,
        sizeRecords: 2_000,
        seed: 20_261_123,
      }
    : {
        quick,
        rounds: 4,
        recordsPerTrial: 3_000,
        liveRecords: 120,
        recoveryMb: [1, 10, 100],
        recoverySqliteMaxMb: 10,
        mainThreadRealSeconds: 30,
        mainThreadCompressedRecords: 12_000,
        scaleSessions: 10_000,
        importSessions: 200,
        longSessionPartials: 300_000,
        sizeRecords: 12_000,
        seed: 20_261_123,
      };
}
