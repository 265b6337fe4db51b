/**
 * Worker side of the facade's pipelined appends (PersistenceWorkerApi.appendRecords). The facade
 * keeps more than one batch in flight so the worker never waits for the main thread. That is only
 * safe if a batch that fails (disk full, file locked) stops every batch sent after it: the engine
 * accepts seq gaps, so a later batch stored ahead of the failed records would make their retry look
 * like a duplicate (lower seq) and drop it silently.
 *
 * So batches run one after another in arrival order (their own chain: the check for batch k+1 must
 * happen after batch k finished, not when k+1 arrived), and once a batch of epoch e fails, every
 * later batch of epoch ≤ e is refused without touching storage. The facade then resends everything
 * not acknowledged under epoch e+1. Pure: no worker globals.
 */
import type { WalRecord } from '../core/records.ts';
import type { AppendBatchResult, AppendRecordsResult } from '../shared/persistence-api.ts';

export class AppendGate {
  private chain: Promise<unknown> = Promise.resolve();
  private failedEpoch = -1;

  constructor(private readonly store: (records: WalRecord[]) => Promise<AppendBatchResult>) {}

  append(epoch: number, records: WalRecord[]): Promise<AppendRecordsResult> {
    const run = async (): Promise<AppendRecordsResult> => {
      if (epoch <= this.failedEpoch) return { stored: 0, duplicates: [], error: null, refused: true };
      let result: AppendBatchResult;
      try {
        result = await this.store(records);
      } catch (error) {
        this.failedEpoch = Math.max(this.failedEpoch, epoch);
        throw error;
      }
      if (result.error) this.failedEpoch = Math.max(this.failedEpoch, epoch);
      // Only the count and the duplicates cross back: the facade holds the records' ids already.
      const duplicates: number[] = [];
      for (let i = 0; i < result.acks.length; i++) if (result.acks[i]!.duplicate) duplicates.push(i);
      return { stored: result.acks.length, duplicates, error: result.error, refused: false };
    };
    const next = this.chain.then(run);
    this.chain = next.catch(() => undefined);
    return next;
  }
}
