/**
 * Worker side of the facade's pipelined appends (PersistenceWorkerApi.appendRecords). The facade
 * keeps more than one batch in flight so the worker never waits for the main thread. That is only
 * safe if a batch that fails (disk full, file locked — or one lost before it reached the worker)
 * stops every batch sent after it: the engine accepts seq gaps, so a later batch stored ahead of the
 * failed records would make their retry look like a duplicate (lower seq) and drop it silently.
 *
 * So every batch names the batch it follows (`after`), and is stored only if that batch was stored
 * completely; otherwise it is refused without touching storage. Batches run one after another in
 * arrival order (their own chain: the check for batch k+1 must happen after batch k finished, not
 * when k+1 arrived). After a failure the facade resends what was not acknowledged as a new chain
 * (`after: null`); it sends that chain after every batch of the old one, so those arrive first and
 * are refused first. Pure: no worker globals.
 */
import type { WalRecord } from '../core/records.ts';
import type { AppendBatchResult, AppendRecordsResult } from '../shared/persistence-api.ts';

export class AppendGate {
  private chain: Promise<unknown> = Promise.resolve();
  /** The last batch stored completely (every record acknowledged, no error). */
  private lastStored: number | null = null;

  constructor(private readonly store: (records: WalRecord[]) => Promise<AppendBatchResult>) {}

  append(batch: number, after: number | null, records: WalRecord[]): Promise<AppendRecordsResult> {
    const run = async (): Promise<AppendRecordsResult> => {
      if (after !== null && after !== this.lastStored) {
        return { stored: 0, duplicates: [], error: null, refused: true };
      }
      const result = await this.store(records);
      if (!result.error) this.lastStored = batch;
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
