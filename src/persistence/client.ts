/**
 * The window-side facade over the persistence worker (PersistenceClient).
 *
 * - Assigns per-session sequence numbers (SESSION_START = 0) and keeps every record the worker has
 *   not acknowledged yet in memory, in order. Records go to the worker in batches through one
 *   pump; if the worker reports a failure (disk full, file locked) the queue stays, an 'error' event
 *   is emitted, and the pump retries every RETRY_MS and on each new append; 'error-cleared' follows
 *   when they land. A retried record the worker already stored is acknowledged as a duplicate.
 * - Wires `visibilitychange` and `pagehide` to the worker's flush policy with fire-and-forget
 *   messages: nothing on the main thread waits for storage.
 * - After each acknowledged record it dispatches `scribe-vault:ack` on window (detail: sessionId,
 *   seq, type, utterance, text). The e2e crash tests use it to know exactly what was acknowledged.
 */
import * as Comlink from 'comlink';
import type { WalRecord } from '../core/records.ts';
import { parseExportFile } from '../export/import-validate.ts';
import {
  PersistenceError,
  newRecordingMeta,
  type Ack,
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

export const ACK_EVENT = 'scribe-vault:ack';
/** How often records held back by a storage error are retried (also on every new append). */
export const RETRY_MS = 2000;
const BATCH_MAX = 512;

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

interface QueuedRecord {
  record: WalRecord;
  resolve(ack: Ack): void;
  reject(error: PersistenceError): void;
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
  private readonly queue: QueuedRecord[] = [];
  private readonly nextSeq = new Map<string, number>();
  private readonly localMeta = new Map<string, SessionMeta>();
  private pumping = false;
  private closed = false;
  private blockedBy: PersistenceErrorCode | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  /** Resolved whenever the pump stops on an error (so callers waiting for an ack can go on). */
  private blockedWaiters: Array<() => void> = [];

  /** `worker` is terminated by close(); tests pass a fake remote and no worker. */
  constructor(
    private readonly remote: Comlink.Remote<PersistenceWorkerApi>,
    private readonly worker: Worker | null,
  ) {}

  async start(options: CreatePersistenceOptions): Promise<void> {
    const listener = (event: PersistenceEvent) => this.dispatch(event);
    await this.remote.subscribe(this.worker ? Comlink.proxy(listener) : listener);
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

  // async: a bad session id rejects instead of throwing; the body still enqueues synchronously, in call order.
  async appendPartial(sessionId: string, input: PartialInput): Promise<Ack> {
    return this.enqueue({ type: 'partial', sessionId, seq: this.seq(sessionId), at: Date.now(), ...input });
  }

  async appendFinal(sessionId: string, input: FinalInput): Promise<Ack> {
    const local = this.localMeta.get(sessionId);
    if (local) local.finals++;
    return this.enqueue({ type: 'final', sessionId, seq: this.seq(sessionId), at: Date.now(), ...input });
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

  private enqueue(record: WalRecord): Promise<Ack> {
    return new Promise<Ack>((resolve, reject) => {
      this.queue.push({ record, resolve, reject });
      // A new append is also a retry of whatever is waiting.
      if (this.blockedBy !== null) this.clearRetryTimer();
      void this.pump();
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

  private async pump(): Promise<void> {
    if (this.pumping || this.closed) return;
    this.pumping = true;
    try {
      while (this.queue.length > 0 && !this.closed) {
        const batch = this.queue.slice(0, BATCH_MAX);
        let result: Awaited<ReturnType<PersistenceWorkerApi['appendBatch']>>;
        try {
          result = await this.remote.appendBatch(batch.map((q) => q.record));
        } catch (error) {
          result = { acks: [], error: PersistenceError.from(error).info };
        }
        for (const ack of result.acks) {
          const done = this.queue.shift()!;
          done.resolve(ack);
          dispatchAck(done.record);
        }
        if (!result.error) {
          if (this.blockedBy !== null) {
            const code = this.blockedBy;
            this.blockedBy = null;
            this.dispatch({ type: 'error-cleared', code });
          }
          continue;
        }
        if (result.error.code === 'unknown-session') {
          // Deleted (e.g. from another tab) or never started here: drop that session's queue.
          const bad = this.queue[0]!.record.sessionId;
          const error = new PersistenceError(result.error.code, result.error.message);
          for (let i = this.queue.length - 1; i >= 0; i--) {
            if (this.queue[i]!.record.sessionId === bad) this.queue.splice(i, 1)[0]!.reject(error);
          }
          this.nextSeq.delete(bad);
          this.localMeta.delete(bad);
          continue;
        }
        // Disk full, file locked or any other failure: keep everything, tell the UI, retry later.
        const firstTime = this.blockedBy === null;
        this.blockedBy = result.error.code;
        if (firstTime && result.error.code !== 'quota-exceeded' && result.error.code !== 'file-locked') {
          this.dispatch({ type: 'error', error: result.error });
        }
        const waiters = this.blockedWaiters;
        this.blockedWaiters = [];
        for (const w of waiters) w();
        this.scheduleRetry();
        return;
      }
    } finally {
      this.pumping = false;
    }
  }

  private scheduleRetry(): void {
    this.clearRetryTimer();
    if (this.closed) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.pump();
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
  readSession(sessionId: string): Promise<SessionTranscript> {
    return this.call(() => this.remote.readSession(sessionId));
  }
  renameSession(sessionId: string, title: string): Promise<SessionMeta> {
    const local = this.localMeta.get(sessionId);
    if (local) local.title = title;
    return this.call(() => this.remote.renameSession(sessionId, title));
  }
  async deleteSession(sessionId: string): Promise<void> {
    await this.call(() => this.remote.deleteSession(sessionId));
    // Anything of it still queued here must not be written after the deletion.
    for (let i = this.queue.length - 1; i >= 0; i--) {
      if (this.queue[i]!.record.sessionId === sessionId) {
        this.queue
          .splice(i, 1)[0]!
          .reject(new PersistenceError('unknown-session', 'The session was deleted.'));
      }
    }
    this.nextSeq.delete(sessionId);
    this.localMeta.delete(sessionId);
  }
  exportSessions(sessionIds: string[] | 'all'): Promise<ExportFile> {
    return this.call(() => this.remote.exportSessions(sessionIds));
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

function dispatchAck(record: WalRecord): void {
  if (typeof window === 'undefined') return;
  const detail: AckEventDetail = {
    sessionId: record.sessionId,
    seq: record.seq,
    type: record.type,
    utterance: record.type === 'partial' || record.type === 'final' ? record.utterance : null,
    text: record.type === 'partial' || record.type === 'final' ? record.text : null,
  };
  window.dispatchEvent(new CustomEvent(ACK_EVENT, { detail }));
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
