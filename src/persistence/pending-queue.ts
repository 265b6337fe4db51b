/**
 * The facade's records not acknowledged yet, in append order. A FIFO over one array with a head
 * index (Array.prototype.shift per ack is a memmove once the array is large, e.g. a backlog of
 * thousands while the disk is full). Records are marked `done` when settled and leave from the
 * front; a deleted session's records leave from anywhere (rare: the array is rebuilt). Pure.
 */
import type { WalRecord } from '../core/records.ts';
import type { Ack, PersistenceError } from '../shared/persistence-api.ts';

export interface QueuedRecord {
  record: WalRecord;
  resolve(ack: Ack): void;
  reject(error: PersistenceError): void;
  /** Epoch of the batch that carries it to the worker, or -1 while not sent. */
  sentIn: number;
  /** Acknowledged or rejected: no longer pending. */
  done: boolean;
}

export class PendingQueue {
  private items: QueuedRecord[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(entry: QueuedRecord): void {
    this.items.push(entry);
  }

  /**
   * Up to `max` pending records, in order, that are not already in flight in `epoch`. Records sent
   * in an older epoch are due again (their batch was refused or failed).
   */
  unsent(epoch: number, max: number): QueuedRecord[] {
    const batch: QueuedRecord[] = [];
    for (let i = this.head; i < this.items.length && batch.length < max; i++) {
      const entry = this.items[i]!;
      if (!entry.done && entry.sentIn !== epoch) batch.push(entry);
    }
    return batch;
  }

  /** Removes settled records from the front (acks arrive in order, so they are a prefix). */
  dropSettled(): void {
    while (this.head < this.items.length && this.items[this.head]!.done) this.head++;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }

  /** Rejects and removes every pending record of `sessionId`. */
  removeSession(sessionId: string, error: PersistenceError): void {
    const kept: QueuedRecord[] = [];
    for (let i = this.head; i < this.items.length; i++) {
      const entry = this.items[i]!;
      if (entry.done) continue;
      if (entry.record.sessionId === sessionId) {
        entry.done = true;
        entry.reject(error);
      } else {
        kept.push(entry);
      }
    }
    this.items = kept;
    this.head = 0;
  }
}
