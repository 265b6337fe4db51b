/**
 * The window-side facade over the persistence worker (PersistenceClient).
 *
 * - Assigns per-session sequence numbers (SESSION_START = 0) and keeps every record the worker has
 *   not acknowledged yet in memory, in order (PendingQueue). Records go to the worker in batches of up
 *   to BATCH_MAX, with up to MAX_IN_FLIGHT batches in flight, so the worker stores batch k+1 while
 *   the main thread settles the acks of batch k. Every batch names the batch it follows; the worker
 *   (AppendGate) refuses a batch whose predecessor was not stored completely, so a failed record is
 *   never overtaken. On a failure (disk full, file locked) everything not acknowledged stays queued,
 *   an 'error' event is emitted, and the pump resends it as a new chain every RETRY_MS and on each
 *   new append; 'error-cleared' follows when they land. A retried record the worker already stored
 *   is acknowledged as a duplicate.
 * - Wires `visibilitychange` and `pagehide` to the worker's flush policy with fire-and-forget
 *   messages: nothing on the main thread waits for storage. Worker events arrive as one-way
 *   messages on a MessagePort.
 * - For each batch the worker acknowledged it dispatches one `scribe-vault:acks` event on window
 *   (detail: { records: AckEventDetail[] } in seq order). The e2e crash tests use it to know exactly
 *   what was acknowledged.
 */
import * as Comlink from 'comlink';
import type { WalRecord } from '../core/records.ts';
import { parseExportFile } from '../export/import-validate.ts';
import { unpackExportFile, unpackTranscript } from '../shared/utterance-wire.ts';
import { PendingQueue, type QueuedRecord } from './pending-queue.ts';
import {
  PersistenceError,
  newRecordingMeta,
  type Ack,
  type AppendRecordsResult,
  type AuditEntry,
  type ListPage,
  type ListQuery,
  type PersistenceErrorCode,
  type PersistenceEvent,
  type PersistenceWorkerApi,
  type RecoveryReport,
  type SessionMeta,
  type SessionTranscript,
  type StorageStats,
} from '../shared/persistence-api.ts';
import type {
  DiagnosticFile,
  ExportFile,
  FinalInput,
  ImportResult,
  PartialInput,
  PersistenceClient,
  StartSessionInput,
} from '../shared/persistence-client.ts';

/** Window event per acknowledged batch; `detail` is an AcksEventDetail. */
export const ACKS_EVENT = 'scribe-vault:acks';
/** How often records held back by a storage error are retried (also on every new append). */
export const RETRY_MS = 2000;
/** Records per appendRecords call. */
export const BATCH_MAX = 512;
/** Batches sent to the worker before the first of them is answered. */
export const MAX_IN_FLIGHT = 2;

export interface AcksEventDetail {
  /** The records just acknowledged (stored, or already stored), in the order they were appended. */
  records: AckEventDetail[];
}

export interface AckEventDetail {
  sessionId: string;
  seq: number;
  type: WalRecord['type'];
  utterance: number | null;
  text: string | null;
}

export interface CreatePersistenceOptions {
  /** A worker to use instead of the bundled persistence worker (bench, tests). */
  worker?: Worker;
  /** Fixed writer id (tests); random otherwise. */
  writerId?: string;
  /** Ask for persistent storage at start-up (default true). */
  requestPersistence?: boolean;
}

/** Batch size and pipelining depth (tests use small batches to get several in flight). */
export interface PumpOptions {
  batchMax?: number;
  maxInFlight?: number;
}

/** Session ids: time-ordered, ASCII, ≤ 64 bytes, safe in OPFS file names. */
export function newSessionId(): string {
  const random = new Uint8Array(8);
  crypto.getRandomValues(random);
  return `${Date.now().toString(36)}-${[...random].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

async function askPersistence(request: boolean): Promise<boolean | null> {
  const storage = typeof navigator !== 'undefined' ? navigator.storage : undefined;
  if (!storage?.persisted) return null;
  try {
    if (await storage.persisted()) return true;
    if (!request || !storage.persist) return false;
    // persist() may wait on a permission prompt in some browsers: never hold start-up for it.
    return await Promise.race([
      storage.persist(),
      new Promise<boolean>((r) => setTimeout(() => r(false), 1500)),
    ]);
  } catch {
    return null;
  }
}

export class WorkerPersistenceClient implements PersistenceClient {
  recovery!: RecoveryReport;
  writerId = '';
  private readonly listeners = new Set<(event: PersistenceEvent) => void>();
  private readonly queue = new PendingQueue();
  private readonly nextSeq = new Map<string, number>();
  private readonly localMeta = new Map<string, SessionMeta>();
  private readonly batchMax: number;
  private readonly maxInFlight: number;
  /**
   * Raised on every failure. Batches of an older epoch still in flight follow the failed one, so the
   * worker refuses them; their answers are ignored and their records resent in the new epoch.
   */
  private epoch = 0;
  private nextBatchNo = 0;
  /** The last batch sent in the current epoch (the next one follows it), null at the start of one. */
  private chainTail: number | null = null;
  private inFlight = 0;
  private closed = false;
  private blockedBy: PersistenceErrorCode | null = null;
  /** After a failure the pump waits for the retry timer or a new append. */
  private waitingForRetry = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private eventPort: MessagePort | null = null;
  /** Resolved whenever the pump stops on an error (so callers waiting for an ack can go on). */
  private blockedWaiters: Array<() => void> = [];

  /** `worker` is terminated by close(); tests pass a fake remote and no worker. */
  constructor(
    private readonly remote: Comlink.Remote<PersistenceWorkerApi>,
    private readonly worker: Worker | null,
    options: PumpOptions = {},
  ) {
    this.batchMax = options.batchMax ?? BATCH_MAX;
    this.maxInFlight = options.maxInFlight ?? MAX_IN_FLIGHT;
  }

  async start(options: CreatePersistenceOptions): Promise<void> {
    if (this.worker) {
      // Events come as one-way messages: no reply per event, unlike a Comlink.proxy callback.
      const channel = new MessageChannel();
      this.eventPort = channel.port1;
      this.eventPort.onmessage = (message: MessageEvent<PersistenceEvent>) => this.dispatch(message.data);
      await this.remote.subscribePort(Comlink.transfer(channel.port2, [channel.port2]));
    } else {
      await this.remote.subscribe((event: PersistenceEvent) => this.dispatch(event));
    }
    const persisted = await askPersistence(options.requestPersistence !== false);
    const init = await this.call(() =>
      this.remote.init(options.writerId ? { writerId: options.writerId, persisted } : { persisted }),
    );
    this.writerId = init.writerId;
    this.recovery = init.recovery;
    if (this.closed) return;
    if (typeof document !== 'undefined') {
      document.addEventListener('visibilitychange', this.onVisibilityChange);
    }
    if (typeof window !== 'undefined') {
      window.addEventListener('pagehide', this.onPageHide);
    }
  }

  // Fire-and-forget. After close() the Comlink proxy is released and throws synchronously on any
  // property access, so the handlers check `closed` (and close() removes them anyway).
  private readonly onVisibilityChange = (): void => {
    if (this.closed) return;
    void this.remote.visibilityChanged(document.visibilityState === 'hidden').catch(() => undefined);
  };

  private readonly onPageHide = (): void => {
    if (this.closed) return;
    void this.remote.pageHide().catch(() => undefined);
  };

  // ------------------------------------------------------------------------------------------
  // Recording

  async startSession(input: StartSessionInput): Promise<SessionMeta> {
    const id = newSessionId();
    const at = Date.now();
    const meta = newRecordingMeta({
      id,
      title: input.title,
      source: input.source,
      lang: input.lang,
      startedAt: at,
      writerId: this.writerId,
    });
    this.localMeta.set(id, meta);
    this.nextSeq.set(id, 0);
    // Resolves once stored, or at once if the disk is full (the start record then waits in the queue).
    await this.ackOrBlocked(
      this.enqueue({ type: 'session-start', sessionId: id, seq: this.seq(id), at, ...input }),
    );
    return { ...meta };
  }

  // Not async (one promise per record, not two); a bad session id still rejects instead of throwing.
  // Records are enqueued synchronously, in call order.
  appendPartial(sessionId: string, input: PartialInput): Promise<Ack> {
    const seq = this.seqOrReject(sessionId);
    if (typeof seq !== 'number') return seq;
    return this.enqueue({ type: 'partial', sessionId, seq, at: Date.now(), ...input });
  }

  appendFinal(sessionId: string, input: FinalInput): Promise<Ack> {
    const seq = this.seqOrReject(sessionId);
    if (typeof seq !== 'number') return seq;
    const local = this.localMeta.get(sessionId);
    if (local) local.finals++;
    return this.enqueue({ type: 'final', sessionId, seq, at: Date.now(), ...input });
  }

  async stopSession(sessionId: string): Promise<SessionMeta> {
    const at = Date.now();
    const stored = await this.ackOrBlocked(
      this.enqueue({ type: 'session-stop', sessionId, seq: this.seq(sessionId), at, reason: 'user' }),
    );
    this.nextSeq.delete(sessionId);
    const local = this.localMeta.get(sessionId);
    this.localMeta.delete(sessionId);
    if (stored) return this.call(() => this.remote.getSession(sessionId));
    // Not stored yet (e.g. disk full): the stop waits in the queue; report what the user sees.
    const fallback = local ?? (await this.call(() => this.remote.getSession(sessionId)));
    return {
      ...fallback,
      status: 'stopped',
      stoppedAt: at,
      durationMs: at - fallback.startedAt,
      writerId: null,
    };
  }

  private seq(sessionId: string): number {
    const seq = this.nextSeq.get(sessionId);
    if (seq === undefined) {
      throw new PersistenceError('unknown-session', `Session ${sessionId} is not recording in this tab.`);
    }
    this.nextSeq.set(sessionId, seq + 1);
    return seq;
  }

  private seqOrReject(sessionId: string): number | Promise<never> {
    try {
      return this.seq(sessionId);
    } catch (error) {
      return Promise.reject(PersistenceError.from(error));
    }
  }

  private enqueue(record: WalRecord): Promise<Ack> {
    return new Promise<Ack>((resolve, reject) => {
      this.queue.push({ record, resolve, reject, sentIn: -1, done: false });
      // A new append is also a retry of whatever is waiting.
      if (this.waitingForRetry) {
        this.waitingForRetry = false;
        this.clearRetryTimer();
      }
      this.pump();
    });
  }

  /** Resolves true when the record is acknowledged, false as soon as the queue is blocked by an error. */
  private ackOrBlocked(ack: Promise<Ack>): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      const onBlocked = () => resolve(false);
      const forget = () => {
        this.blockedWaiters = this.blockedWaiters.filter((w) => w !== onBlocked);
      };
      this.blockedWaiters.push(onBlocked);
      ack.then(
        () => {
          forget();
          resolve(true);
        },
        (e: unknown) => {
          forget();
          reject(PersistenceError.from(e));
        },
      );
    });
  }

  /** Sends batches of records not yet in flight, up to maxInFlight batches at a time. */
  private pump(): void {
    while (!this.closed && !this.waitingForRetry && this.inFlight < this.maxInFlight) {
      const batch = this.queue.unsent(this.epoch, this.batchMax);
      if (batch.length === 0) return;
      for (const entry of batch) entry.sentIn = this.epoch;
      const batchNo = this.nextBatchNo++;
      const after = this.chainTail;
      this.chainTail = batchNo;
      this.inFlight++;
      void this.send(this.epoch, batchNo, after, batch);
    }
  }

  private async send(epoch: number, batchNo: number, after: number | null, batch: QueuedRecord[]) {
    const records = batch.map((entry) => entry.record);
    let result: AppendRecordsResult;
    try {
      result = await this.remote.appendRecords(batchNo, after, records);
    } catch (error) {
      // Thrown in the worker or lost on the way: either way this batch is not stored completely, so
      // the worker refuses the batches that follow it.
      result = { stored: 0, duplicates: [], error: PersistenceError.from(error).info, refused: false };
    }
    this.inFlight--;
    if (this.closed) return;
    this.settle(epoch, batch, result);
    this.pump();
  }

  private settle(epoch: number, batch: QueuedRecord[], result: AppendRecordsResult): void {
    const acked: QueuedRecord[] = [];
    let d = 0;
    for (let i = 0; i < result.stored; i++) {
      const entry = batch[i]!;
      const duplicate = result.duplicates[d] === i;
      if (duplicate) d++;
      if (entry.done) continue; // its session was deleted meanwhile: the caller already got a rejection
      entry.done = true;
      entry.resolve({ sessionId: entry.record.sessionId, seq: entry.record.seq, duplicate });
      acked.push(entry);
    }
    this.queue.dropSettled();
    if (acked.length > 0) dispatchAcks(acked);
    // A batch of an older epoch was sent before a failure and refused: its records are resent.
    if (epoch !== this.epoch) return;
    if (!result.error && !result.refused) {
      if (this.blockedBy !== null) {
        const code = this.blockedBy;
        this.blockedBy = null;
        this.dispatch({ type: 'error-cleared', code });
      }
      return;
    }
    // Whatever is still in flight follows this batch and will be refused; resend as a new chain.
    this.epoch++;
    this.chainTail = null;
    if (result.refused) return; // cannot happen in the current epoch; resend to be safe
    const error = result.error!;
    if (error.code === 'unknown-session') {
      // Deleted (e.g. from another tab) or never started here: drop that session's queue.
      const bad = batch[result.stored]!.record.sessionId;
      this.queue.removeSession(bad, new PersistenceError(error.code, error.message));
      this.nextSeq.delete(bad);
      this.localMeta.delete(bad);
      return;
    }
    // Disk full, file locked or any other failure: keep everything, tell the UI, retry later.
    const firstTime = this.blockedBy === null;
    this.blockedBy = error.code;
    if (firstTime && error.code !== 'quota-exceeded' && error.code !== 'file-locked') {
      this.dispatch({ type: 'error', error });
    }
    const waiters = this.blockedWaiters;
    this.blockedWaiters = [];
    for (const w of waiters) w();
    this.waitingForRetry = true;
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    this.clearRetryTimer();
    if (this.closed) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.waitingForRetry = false;
      this.pump();
    }, RETRY_MS);
  }

  private clearRetryTimer(): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  pendingCount(): number {
    return this.queue.length;
  }

  // ------------------------------------------------------------------------------------------
  // Everything else goes straight to the worker.

  listSessions(query: ListQuery): Promise<ListPage> {
    return this.call(() => this.remote.listSessions(query));
  }
  async readSession(sessionId: string): Promise<SessionTranscript> {
    return unpackTranscript(await this.call(() => this.remote.readSession(sessionId)));
  }
  getSession(sessionId: string): Promise<SessionMeta> {
    return this.call(() => this.remote.getSession(sessionId));
  }
  renameSession(sessionId: string, title: string): Promise<SessionMeta> {
    const local = this.localMeta.get(sessionId);
    if (local) local.title = title;
    return this.call(() => this.remote.renameSession(sessionId, title));
  }
  async deleteSession(sessionId: string): Promise<void> {
    await this.call(() => this.remote.deleteSession(sessionId));
    // Anything of it still queued here must not be written after the deletion.
    this.queue.removeSession(sessionId, new PersistenceError('unknown-session', 'The session was deleted.'));
    this.nextSeq.delete(sessionId);
    this.localMeta.delete(sessionId);
  }
  async exportSessions(sessionIds: string[] | 'all'): Promise<ExportFile> {
    return unpackExportFile(await this.call(() => this.remote.exportSessions(sessionIds)));
  }
  async importSessions(file: unknown): Promise<ImportResult> {
    const parsed = parseExportFile(file);
    if (!parsed.ok) throw new PersistenceError('bad-import', parsed.error);
    return this.call(() => this.remote.importSessions(parsed.file));
  }
  diagnostics(): Promise<DiagnosticFile[]> {
    return this.call(() => this.remote.diagnostics());
  }
  storageStats(): Promise<StorageStats> {
    return this.call(() => this.remote.storageStats(this.queue.length));
  }
  async requestPersistence(): Promise<boolean> {
    const persisted = (await askPersistence(true)) ?? false;
    await this.remote.setPersisted(persisted);
    return persisted;
  }
  setRetentionDays(days: number | null): Promise<void> {
    return this.call(() => this.remote.setRetentionDays(days));
  }
  auditLog(offset: number, limit: number): Promise<AuditEntry[]> {
    return this.call(() => this.remote.auditLog(offset, limit));
  }

  subscribe(listener: (event: PersistenceEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Flushes and closes the worker (tests, bench). Queued records are not kept. Removes the page
   * listeners and the retry timer first: nothing may touch the released proxy afterwards.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.clearRetryTimer();
    if (typeof document !== 'undefined') {
      document.removeEventListener('visibilitychange', this.onVisibilityChange);
    }
    if (typeof window !== 'undefined') window.removeEventListener('pagehide', this.onPageHide);
    this.eventPort?.close();
    await this.remote.close().catch(() => undefined);
    this.remote[Comlink.releaseProxy]?.();
    this.worker?.terminate();
  }

  private dispatch(event: PersistenceEvent): void {
    if (event.type === 'session-stopped-elsewhere') {
      this.nextSeq.delete(event.sessionId);
      this.localMeta.delete(event.sessionId);
    }
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (error) {
        console.error('PersistenceClient listener failed', error);
      }
    }
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw PersistenceError.from(error);
    }
  }
}

/** One window event per acknowledged batch (a CustomEvent per record costs more than the ack itself). */
function dispatchAcks(entries: QueuedRecord[]): void {
  if (typeof window === 'undefined') return;
  const records = entries.map(({ record }): AckEventDetail => {
    const text = record.type === 'partial' || record.type === 'final';
    return {
      sessionId: record.sessionId,
      seq: record.seq,
      type: record.type,
      utterance: text ? record.utterance : null,
      text: text ? record.text : null,
    };
  });
  const detail: AcksEventDetail = { records };
  window.dispatchEvent(new CustomEvent(ACKS_EVENT, { detail }));
}

export type ClosablePersistenceClient = PersistenceClient & { close(): Promise<void> };

/** Starts the persistence worker, waits for its start-up recovery and returns the client. */
export async function createPersistence(
  options: CreatePersistenceOptions = {},
): Promise<ClosablePersistenceClient> {
  const worker =
    options.worker ??
    new Worker(new URL('../worker/persistence.worker.ts', import.meta.url), {
      type: 'module',
      name: 'scribe-vault-persistence',
    });
  const remote = Comlink.wrap<PersistenceWorkerApi>(worker);
  const client = new WorkerPersistenceClient(remote, worker);
  try {
    await client.start(options);
  } catch (error) {
    worker.terminate();
    throw PersistenceError.from(error);
  }
  return client;
}
