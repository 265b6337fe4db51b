/**
 * The persistence engine: one writer (one tab's worker) over a FileStore and a MetaStore.
 * Platform-free; src/worker runs it over OPFS + IndexedDB, tests over the in-memory stores.
 *
 * Durability contract (DESIGN.md §2, docs/ARCHITECTURE.md): a record is acknowledged only after its
 * frame was write()n to the open WAL segment in one call; flush() follows the FlushPolicy; segments
 * rotate by the RotationPolicy; sessions are checkpointed into session files at stop and rotation,
 * and a segment is deleted once every session in it is checkpointed past it (or deleted).
 * Mutations run one at a time (`serial`), so a rotation or a deletion never interleaves with an append.
 */
import type { ByteFile } from '../core/byte-file.ts';
import { FlushPolicy, type FlushPolicyOptions, type FlushReason } from '../core/flush-policy.ts';
import { encodeFrames } from '../core/framing.ts';
import type {
  CheckpointRecord,
  FinalRecord,
  PartialRecord,
  SessionDeleteRecord,
  WalRecord,
} from '../core/records.ts';
import { foldRecords, type FoldedSession } from '../core/recovery-fold.ts';
import { RingBuffer, type RingEntry } from '../core/ring-buffer.ts';
import { RotationPolicy, type RotationPolicyOptions } from '../core/rotation-policy.ts';
import { SessionTail } from '../core/session-tail.ts';
import {
  classifyStorageError,
  PersistenceError,
  newRecordingMeta,
  type Ack,
  type AppendBatchResult,
  type AuditAction,
  type AuditEntry,
  type ListPage,
  type ListQuery,
  type PersistenceEvent,
  type RecoveryReport,
  type SessionMeta,
  type SessionTranscript,
  type StorageStats,
} from '../shared/persistence-api.ts';
import type { DiagnosticFile, ExportFile, ImportResult } from '../shared/persistence-client.ts';
import { RING_DIR, SESSIONS_DIR, WAL_DIR, parseRingName, randomId, ringPath } from './paths.ts';
import { recoverWriter, type RecoverySink } from './recovery.ts';
import { SegmentLog } from './segment-log.ts';
import {
  appendSessionFile,
  hasSessionFile,
  listSessionIds,
  readSessionFile,
  shredSessionFiles,
  writeSessionFile,
  type SessionFileEnd,
} from './session-files.ts';
import { searchTextOf, sessionRecords, transcriptOf } from './session-state.ts';
import type { Clock, FileStore, MetaStore, PeerBus, PeerMessage, Timers, WriterLocks } from './types.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
const STARTUP_LOCK = 'scribe-vault-startup';
const LATENCY_WINDOW = 256;
/** Sessions per import batch (one IndexedDB transaction each) and session files written at once. */
const IMPORT_BATCH = 250;
const IMPORT_CONCURRENCY = 8;
/** Session files read at once by search and the search-cache warm-up (getFile(): no lock needed). */
const SEARCH_READ_CONCURRENCY = 8;
/** The background start-up work waits for the first list page, or this long at most (ms). */
const STARTUP_WORK_DELAY_MS = 1000;
/** Upper bound of the in-memory search cache, in UTF-16 code units (~64 MB). */
const SEARCH_CACHE_MAX_CHARS = 32 * 1024 * 1024;

export interface EngineDeps {
  files: FileStore;
  meta: MetaStore;
  locks: WriterLocks;
  /** Other tabs; null when BroadcastChannel is unavailable (then deletion cannot reach other tabs). */
  peers: PeerBus | null;
  clock: Clock;
  /** Drives the flush timer and the daily retention sweep; tests leave it out and call tick(). */
  timers?: Timers;
  /** navigator.storage.estimate(); absent in Node. */
  estimate?: () => Promise<{ usage: number; quota: number } | null>;
  /** High-resolution time for flush latency (performance.now). */
  monotonic?: () => number;
  newId?: () => string;
}

export interface EngineOptions {
  flush?: Partial<FlushPolicyOptions>;
  rotation?: Partial<RotationPolicyOptions>;
  /** Ring-buffer entries (latest partial per open utterance + recent finals). */
  ringCapacity?: number;
  ringMaxBytes?: number;
  /** How long a deletion waits for another tab to purge a session, ms. */
  peerTimeoutMs?: number;
}

interface ActiveSession {
  id: string;
  meta: SessionMeta;
  /** What the session file does not hold yet (bounded: see SessionTail). */
  tail: SessionTail;
  /** The generation this writer appends the session's checkpoints to; null before the first. */
  file: SessionFileEnd | null;
  lastSeq: number;
  /** Seq up to which the session file holds this session (-1: no file yet). */
  checkpointSeq: number;
  /** SESSION_STOP is written but the stop checkpoint failed (e.g. disk full): retried later. */
  stopped: boolean;
}

function emptyReport(): RecoveryReport {
  return {
    recovered: [],
    skipped: [],
    segmentsRead: 0,
    bytesRead: 0,
    durationMs: 0,
    reconciled: { added: 0, removed: 0 },
  };
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export class VaultEngine {
  writerId = '';
  private log: SegmentLog | null = null;
  private ringFile: ByteFile | null = null;
  private readonly ring: RingBuffer;
  private readonly flushPolicy: FlushPolicy;
  private readonly rotation: RotationPolicy;
  private readonly active = new Map<string, ActiveSession>();
  /** Stopped sessions of this writer and the seq their session file covers (for segment deletion). */
  private readonly checkpointed = new Map<string, number>();
  private readonly deletedIds = new Set<string>();
  /** Finished deletions whose SESSION_DELETE could not be retired yet (see retireTombstoneSoftly). */
  private readonly unretiredTombstones = new Set<string>();
  /** Sessions whose unreleased ring entries overflowed: checkpointed after the current append. */
  private readonly overflowed = new Set<string>();
  private readonly listeners = new Set<(event: PersistenceEvent) => void>();
  private chain: Promise<unknown> = Promise.resolve();
  private flushTimer: unknown = null;
  /** Clock time the pending flush timer fires at. */
  private flushTimerAt: number | null = null;
  private retentionTimer: unknown = null;
  /** Lower-cased transcript text per session for search, valid while the row's updatedAt matches. */
  private readonly searchCache = new Map<string, { updatedAt: number; text: string }>();
  private searchCacheChars = 0;
  private readonly searchTextLoads = new Map<string, Promise<string>>();
  private readonly purgeWaiters = new Map<
    string,
    (message: Extract<PeerMessage, { type: 'purge-done' }>) => void
  >();
  private persisted: boolean | null = null;
  private readonly counters = { written: 0, partials: 0, finals: 0, ringOverflows: 0 };
  private lastFlushAt: number | null = null;
  private readonly latencies: number[] = [];
  private latencyMax = 0;
  private latencyCount = 0;
  private readonly newId: () => string;
  private readonly monotonic: () => number;
  private closed = false;
  private startupWork: Promise<void> = Promise.resolve();
  /** Starts the deferred start-up work early once the first list page was served. */
  private firstListServed: () => void = () => undefined;

  constructor(
    private readonly deps: EngineDeps,
    private readonly options: EngineOptions = {},
  ) {
    const now = () => deps.clock.now();
    this.flushPolicy = new FlushPolicy(now, options.flush);
    this.rotation = new RotationPolicy(now, options.rotation);
    this.ring = new RingBuffer({
      capacity: options.ringCapacity ?? 4096,
      maxBytes: options.ringMaxBytes ?? 1024 * 1024,
      // A live entry left the ring before its session was checkpointed: the WAL still has it, and
      // the session is checkpointed right after this append so the ring's job is done by the file.
      onOverflow: ({ evicted }) => {
        this.counters.ringOverflows++;
        this.overflowed.add(evicted.sessionId);
        this.emit({ type: 'overflow', at: this.now(), evicted: 1 });
      },
    });
    this.newId = deps.newId ?? randomId;
    this.monotonic = deps.monotonic ?? (() => deps.clock.now());
  }

  // ---------------------------------------------------------------------------------------------
  // Start-up

  /**
   * Takes this writer's lock, opens its first segment and ring file and recovers the WAL of every
   * writer that is gone; resolves with the recovery report once that is done (before the UI shows the
   * list). Reconciling the index with the session files, retention and the search-cache warm-up run
   * in the background afterwards (see whenStartupWorkDone), so the first list page never waits on
   * O(sessions) OPFS work.
   */
  async init(options: { writerId?: string; persisted: boolean | null }): Promise<RecoveryReport> {
    const started = this.monotonic();
    this.writerId = options.writerId ?? this.newId();
    this.persisted = options.persisted;
    await this.deps.locks.holdOwn(this.writerId);
    try {
      this.log = await SegmentLog.open(this.deps.files, this.writerId, this.now());
      this.ringFile = await this.deps.files.open(ringPath(this.writerId));
    } catch (error) {
      throw classifyStorageError(error, 'opening the write-ahead log');
    }
    this.deps.peers?.onMessage((m) => this.onPeerMessage(m));

    const report = emptyReport();
    await this.deps.locks.exclusive(STARTUP_LOCK, () => this.recoverDeadWriters(report));
    report.durationMs = Math.round((this.monotonic() - started) * 10) / 10;

    if (report.recovered.length > 0 || report.skipped.length > 0) {
      this.emit({ type: 'recovered', report });
      this.broadcastChanged();
    }
    if (report.skipped.length > 0) {
      this.emit({ type: 'error', error: { code: 'corrupt-wal', message: describeSkipped(report) } });
    }
    this.startupWork = this.runStartupWork(report);
    return report;
  }

  /**
   * Start-up work that is O(sessions) and so must not hold up the first list screen: reconciling the
   * index with the session files (then 'sessions-changed' when it changed anything), retention, and
   * filling the search cache. Runs right after init() resolved; errors become 'error' events.
   */
  private async runStartupWork(report: RecoveryReport): Promise<void> {
    // Let the first list page go first: it competes with this work for OPFS and IndexedDB.
    const timers = this.deps.timers;
    if (timers) {
      await new Promise<void>((resolve) => {
        this.firstListServed = resolve;
        timers.setTimeout(resolve, STARTUP_WORK_DELAY_MS);
      });
    }
    if (this.closed) return;
    try {
      await this.reconcile(report);
    } catch (error) {
      if (!this.closed) this.emitError(error, 'checking the session index against the session files');
    }
    if (this.closed) return;
    await this.applyRetention().catch((e) => this.emitError(e, 'applying the retention setting'));
    this.scheduleRetention();
    await this.warmSearchCache().catch(() => undefined); // search reads files itself when this failed
  }

  /** Settles when the background start-up work (reconcile, retention, search cache) is done. */
  whenStartupWorkDone(): Promise<void> {
    return this.startupWork;
  }

  private recoverySink(report: RecoveryReport): RecoverySink {
    return { files: this.deps.files, meta: this.deps.meta, now: () => this.now(), report };
  }

  /** Recovers every writer folder (and stray ring file) whose writer's lock is free. */
  private async recoverDeadWriters(report: RecoveryReport): Promise<void> {
    const held = await this.deps.locks.heldWriterIds();
    const candidates = new Set<string>();
    for (const e of await this.deps.files.list(WAL_DIR)) if (e.kind === 'directory') candidates.add(e.name);
    for (const e of await this.deps.files.list(RING_DIR)) {
      const id = e.kind === 'file' ? parseRingName(e.name) : null;
      if (id) candidates.add(id);
    }
    for (const writerId of candidates) {
      if (writerId === this.writerId || held.has(writerId)) continue;
      await this.deps.locks.withLockIfFree(writerId, () =>
        recoverWriter(this.recoverySink(report), writerId),
      );
    }
  }

  /**
   * Index rows ⇄ session files: add rows for files without one, drop rows with neither file nor live
   * writer. It runs while this tab may already record, import or delete, so each change is made inside
   * `serial` after checking again that it still applies (a deletion's last steps run there too). It
   * needs no start-up lock: recovery and import write a session's file before its row, so a racing
   * reconcile at worst writes a row that their own row write then replaces.
   */
  private async reconcile(report: RecoveryReport): Promise<void> {
    const { files, meta } = this.deps;
    const fileIds = await listSessionIds(files);
    const rows = await meta.allSessions();
    const rowIds = new Set(rows.map((r) => r.id));
    const held = await this.deps.locks.heldWriterIds();
    let added = 0;
    let removed = 0;
    for (const id of fileIds) {
      if (rowIds.has(id)) continue;
      await this.serial(async () => {
        if (this.deletedIds.has(id) || this.active.has(id) || (await meta.getSession(id))) return;
        const file = await readSessionFile(files, id);
        const folded = file ? foldRecords(file.records).sessions.get(id) : undefined;
        if (!file || !folded) return;
        await meta.putSession(
          metaOfFolded(folded, file.bytes, folded.status === 'stopped' ? 'stopped' : 'recovered'),
        );
        added++;
      });
    }
    for (const row of rows) {
      if (fileIds.has(row.id) || this.active.has(row.id)) continue;
      if (row.writerId !== null && row.writerId !== this.writerId && held.has(row.writerId)) continue;
      await this.serial(async () => {
        if (this.active.has(row.id) || (await hasSessionFile(files, row.id))) return;
        await meta.deleteSession(row.id);
        removed++;
      });
    }
    report.reconciled = { added, removed };
    if (added + removed > 0) {
      await meta.appendAudit({
        at: this.now(),
        action: 'reconciled',
        sessionId: null,
        outcome: 'ok',
        counts: { added, removed },
      });
      this.broadcastChanged();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Appending

  /**
   * Stores records in order; stops at the first failure and returns the acks so far plus the error.
   * The caller (the window-side facade) keeps the unacknowledged rest and retries it.
   */
  appendBatch(records: WalRecord[]): Promise<AppendBatchResult> {
    return this.serial(async () => {
      const acks: Ack[] = [];
      // Tombstones of finished deletions that a full disk kept in place: retried while the tab lives.
      if (this.unretiredTombstones.size > 0) {
        for (const id of [...this.unretiredTombstones]) await this.retireTombstoneSoftly(id, false);
      }
      try {
        await this.retryStoppedCheckpoints();
      } catch (error) {
        const typed = classifyStorageError(error, 'writing a session file');
        this.emit({ type: 'error', error: typed.info });
        return { acks, error: typed.info };
      }
      for (const record of records) {
        try {
          acks.push(await this.appendOne(record));
        } catch (error) {
          const typed = classifyStorageError(error, 'saving the transcript');
          if (typed.code === 'quota-exceeded' || typed.code === 'file-locked')
            this.emit({ type: 'error', error: typed.info });
          return { acks, error: typed.info };
        }
      }
      this.scheduleFlushTimer();
      return { acks, error: null };
    });
  }

  private async appendOne(record: WalRecord): Promise<Ack> {
    const log = this.requireLog();
    const id = record.sessionId;
    const duplicate: Ack = { sessionId: id, seq: record.seq, duplicate: true };
    if (this.deletedIds.has(id)) throw new PersistenceError('unknown-session', `Session ${id} was deleted.`);
    let session = this.active.get(id);
    if (record.type === 'checkpoint' || record.type === 'session-delete') {
      throw new PersistenceError('internal', `${record.type} records are written by the worker itself.`);
    }
    if (record.type === 'session-start') {
      if (session || this.checkpointed.has(id)) return duplicate;
      if (await this.deps.meta.getSession(id)) return duplicate;
    } else {
      if (!session) {
        if (this.checkpointed.has(id)) return duplicate; // a retry after the stop landed
        throw new PersistenceError('unknown-session', `Session ${id} is not recording in this tab.`);
      }
      if (record.seq <= session.lastSeq) return duplicate;
      if (session.stopped) return duplicate;
    }

    const rotateFor = this.rotation.shouldRotate(
      { bytes: log.size, openedAt: log.current.openedAt },
      frameBytesUpperBound(record),
    );
    if (rotateFor) await this.rotate(rotateFor);
    try {
      this.requireLog().append(record);
    } catch (error) {
      if (error instanceof RangeError) {
        throw new PersistenceError('internal', `Cannot store this record: ${error.message}`);
      }
      throw error;
    }

    this.counters.written++;
    if (record.type === 'partial') this.counters.partials++;
    if (record.type === 'final') this.counters.finals++;
    if (record.type === 'session-start') {
      session = {
        id,
        meta: newRecordingMeta({
          id,
          title: record.title,
          source: record.source,
          lang: record.lang,
          startedAt: record.at,
          writerId: this.writerId,
        }),
        tail: new SessionTail(),
        file: null,
        lastSeq: -1,
        checkpointSeq: -1,
        stopped: false,
      };
      this.active.set(id, session);
    }
    const s = session!;
    s.tail.apply(record);
    s.lastSeq = record.seq;
    s.meta.updatedAt = Math.max(s.meta.updatedAt, record.at);
    s.meta.durationMs = s.meta.updatedAt - s.meta.startedAt;
    if (record.type === 'final') s.meta.finals++;
    if (record.type === 'partial' || record.type === 'final') this.ring.append(ringEntryOf(record));

    const reason = this.flushPolicy.onRecordWritten(record.type);
    if (reason) this.flushNow(reason);
    if (this.overflowed.size > 0) await this.checkpointOverflowed();

    if (record.type === 'session-start') await this.onStarted(s);
    if (record.type === 'session-stop') await this.onStopped(s, record.at);
    return { sessionId: id, seq: record.seq, duplicate: false };
  }

  private async onStarted(s: ActiveSession): Promise<void> {
    try {
      await this.deps.meta.putSession({ ...s.meta });
      await this.audit('created', s.id, { records: 1 });
    } catch (error) {
      // The record is in the WAL: start-up reconciliation rebuilds a missing row.
      this.emitError(error, 'adding the session to the index');
    }
    this.broadcastChanged();
  }

  private async onStopped(s: ActiveSession, at: number): Promise<void> {
    s.stopped = true;
    s.meta.status = 'stopped';
    s.meta.stoppedAt = at;
    s.meta.writerId = null;
    try {
      await this.checkpoint(s);
    } catch (error) {
      // SESSION_STOP is in the WAL; the checkpoint is retried before the next append.
      this.emitError(error, 'writing the session file');
      return;
    }
    await this.finishStopped(s);
  }

  private async finishStopped(s: ActiveSession): Promise<void> {
    // Its text is in the session file now; search reads it from there when first asked.
    this.forgetSearchText(s.id);
    this.active.delete(s.id);
    this.checkpointed.set(s.id, s.checkpointSeq);
    this.ring.clearSession(s.id);
    this.writeRingSnapshot(false);
    try {
      await this.deps.meta.putSession({ ...s.meta });
      await this.audit('stopped', s.id, {
        finals: s.meta.finals,
        bytes: s.meta.bytes,
        records: s.lastSeq + 1,
      });
    } catch (error) {
      this.emitError(error, 'updating the session index');
    }
    await this.deleteCoveredSegments();
    this.broadcastChanged();
  }

  private async checkpointOverflowed(): Promise<void> {
    for (const id of [...this.overflowed]) {
      this.overflowed.delete(id);
      const s = this.active.get(id);
      if (s && !s.stopped && s.lastSeq > s.checkpointSeq)
        await this.checkpoint(s).catch((e) => this.emitError(e, 'checkpointing'));
    }
  }

  private async retryStoppedCheckpoints(): Promise<void> {
    for (const s of [...this.active.values()]) {
      if (!s.stopped) continue;
      await this.checkpoint(s);
      await this.finishStopped(s);
      this.emit({ type: 'error-cleared', code: 'quota-exceeded' });
    }
  }

  /**
   * Makes the session file durable up to the session's lastSeq by appending what happened since the
   * last checkpoint (the first checkpoint writes a new generation), then notes the CHECKPOINT in the
   * WAL. Cost is proportional to the records since the last checkpoint, never to the session's length.
   */
  private async checkpoint(s: ActiveSession): Promise<void> {
    const chunk = s.tail.checkpointChunk(s.id, s.lastSeq, s.meta.updatedAt, s.meta.finals);
    const written = s.file
      ? await appendSessionFile(this.deps.files, s.file, chunk)
      : await writeSessionFile(this.deps.files, s.id, chunk);
    s.file = written;
    s.checkpointSeq = s.lastSeq;
    s.tail.markCheckpointed(s.lastSeq);
    s.meta.bytes = written.bytes;
    this.ring.release(s.id, s.checkpointSeq);
    s.meta.hasUncertain = s.tail.openCount > 0;
    const cp: CheckpointRecord = {
      type: 'checkpoint',
      sessionId: s.id,
      seq: s.lastSeq,
      at: this.now(),
      upToSeq: s.lastSeq,
      finals: s.meta.finals,
    };
    try {
      this.requireLog().append(cp);
      this.flushNow('control');
    } catch {
      // The WAL CHECKPOINT is informational (the session file carries its own): a full disk here loses nothing.
    }
  }

  private async rotate(reason: string): Promise<void> {
    const log = this.requireLog();
    for (const s of this.active.values()) {
      if (log.current.maxSeq.has(s.id) && s.lastSeq > s.checkpointSeq) await this.checkpoint(s);
    }
    this.writeRingSnapshot(false);
    const finished = await log.rotate(this.now());
    this.flushPolicy.markFlushed();
    this.emit({ type: 'rotated', at: this.now(), segment: finished.path, reason });
    await this.deleteCoveredSegments();
  }

  private async deleteCoveredSegments(): Promise<void> {
    await this.requireLog().deleteCovered((id, maxSeq) => {
      if (this.deletedIds.has(id)) return true;
      const covered = this.active.get(id)?.checkpointSeq ?? this.checkpointed.get(id) ?? -1;
      return covered >= maxSeq;
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Flushing

  private flushNow(reason: FlushReason): void {
    const log = this.requireLog();
    const t0 = this.monotonic();
    try {
      log.flush();
    } catch (error) {
      // Records stay written (they survive a tab crash); the policy stays dirty and asks again.
      this.emitError(error, 'flushing the write-ahead log');
      return;
    }
    const latency = this.monotonic() - t0;
    this.flushPolicy.markFlushed();
    this.lastFlushAt = this.now();
    this.latencies.push(latency);
    if (this.latencies.length > LATENCY_WINDOW) this.latencies.shift();
    this.latencyMax = Math.max(this.latencyMax, latency);
    this.latencyCount++;
    this.emit({ type: 'flushed', at: this.lastFlushAt, latencyMs: latency, reason });
  }

  /** Timer callback (and tests): flush if a time-based trigger is due. */
  tick(): void {
    this.flushTimer = null;
    this.flushTimerAt = null;
    if (this.closed || !this.log) return;
    const reason = this.flushPolicy.onTick();
    if (reason) this.flushNow(reason);
    this.scheduleFlushTimer();
  }

  /**
   * Arms the timer for the flush policy's next deadline. Called after every batch, so it keeps a
   * pending timer that fires no later than needed (tick() re-arms) instead of re-arming per record;
   * with nothing pending, a pending timer is left to find nothing to do.
   */
  private scheduleFlushTimer(): void {
    const timers = this.deps.timers;
    if (!timers || this.closed) return;
    const deadline = this.flushPolicy.nextDeadline();
    if (deadline === null) return;
    if (this.flushTimer !== null && this.flushTimerAt !== null && this.flushTimerAt <= deadline) return;
    if (this.flushTimer !== null) timers.clearTimeout(this.flushTimer);
    this.flushTimerAt = deadline;
    this.flushTimer = timers.setTimeout(() => this.tick(), Math.max(0, deadline - this.now()));
  }

  visibilityChanged(hidden: boolean): void {
    this.flushPolicy.onVisibilityChange(hidden);
    if (hidden) this.writeRingSnapshot(false);
    this.scheduleFlushTimer();
  }

  /** The page is going away: flush now and keep the ring snapshot current. */
  pageHide(): void {
    if (!this.log || this.closed) return;
    const reason = this.flushPolicy.onPageHide();
    if (reason) this.flushNow(reason);
    this.writeRingSnapshot(false);
  }

  // ---------------------------------------------------------------------------------------------
  // The ring file

  /**
   * Rewrites ring/<writerId>.ring with the ring buffer's records (latest partial of each open utterance
   * and recent finals of the sessions recording here). Every record in it is also in the WAL until
   * its session is checkpointed, so a torn rewrite loses nothing; recovery merges it by seq.
   * `shred` zero-fills the old contents first (privacy deletion).
   */
  private writeRingSnapshot(shred: boolean): void {
    const file = this.ringFile;
    if (!file) return;
    try {
      const bytes = encodeFrames(this.ringSnapshot());
      const oldSize = file.size();
      if (shred && oldSize > 0) file.write(0, new Uint8Array(oldSize));
      file.write(0, bytes);
      if (oldSize > bytes.length) file.truncate(bytes.length);
      file.flush();
    } catch (error) {
      this.emitError(error, 'writing the ring-buffer file');
    }
  }

  /** Per recording session: its recent finals and the latest partial of each open utterance, in seq order. */
  private ringSnapshot(): WalRecord[] {
    const out: WalRecord[] = [];
    for (const id of this.active.keys()) {
      const entries = [...this.ring.recentFinals(id), ...this.ring.openUtterances(id)].sort(
        (a, b) => a.seq - b.seq,
      );
      for (const e of entries) out.push(recordOfRingEntry(e));
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // Reading

  async listSessions(query: ListQuery): Promise<ListPage> {
    const { meta } = this.deps;
    const offset = Math.max(0, query.offset | 0);
    const limit = Math.max(0, query.limit | 0);
    const search = query.search?.trim().toLowerCase() ?? '';
    if (!search) {
      const [rows, total] = await Promise.all([meta.pageSessions(offset, limit), meta.countSessions()]);
      this.firstListServed();
      return { sessions: rows.map((r) => this.overlay(r)), total };
    }
    const rows = await meta.allSessions();
    const byTitle = new Set(rows.filter((r) => r.title.toLowerCase().includes(search)).map((r) => r.id));
    const byText = new Set<string>();
    // Mostly answered from the search cache; files not cached yet are read a few at a time.
    await forEachConcurrently(
      rows.filter((r) => !byTitle.has(r.id)),
      SEARCH_READ_CONCURRENCY,
      async (row) => {
        if ((await this.searchText(row)).includes(search)) byText.add(row.id);
      },
    );
    const matched = rows.filter((r) => byTitle.has(r.id) || byText.has(r.id)).map((r) => this.overlay(r));
    return { sessions: matched.slice(offset, offset + limit), total: matched.length };
  }

  /**
   * Fills the search cache from every session file once, after start-up, so the first search does
   * not read thousands of files while the user waits. Stops at the cache's size bound (beyond it,
   * search reads the remaining files itself).
   */
  private async warmSearchCache(): Promise<void> {
    const rows = await this.deps.meta.allSessions();
    await forEachConcurrently(rows, SEARCH_READ_CONCURRENCY, async (row) => {
      if (this.closed || this.searchCacheChars >= SEARCH_CACHE_MAX_CHARS) return;
      await this.searchText(row);
    });
  }

  /** Caches a session's lower-cased transcript text (worker memory only: never IndexedDB). */
  private cacheSearchText(id: string, updatedAt: number, text: string): void {
    const old = this.searchCache.get(id);
    if (old) this.searchCacheChars -= old.text.length;
    if (this.searchCacheChars + text.length > SEARCH_CACHE_MAX_CHARS) {
      this.searchCache.delete(id);
      return;
    }
    this.searchCache.set(id, { updatedAt, text });
    this.searchCacheChars += text.length;
  }

  private forgetSearchText(id: string): void {
    const old = this.searchCache.get(id);
    if (old) this.searchCacheChars -= old.text.length;
    this.searchCache.delete(id);
  }

  private overlay(row: SessionMeta): SessionMeta {
    const live = this.active.get(row.id);
    return live ? { ...live.meta, title: row.title } : row;
  }

  /** Lower-cased transcript text of a session, cached per updatedAt. */
  private async searchText(row: SessionMeta): Promise<string> {
    if (this.active.has(row.id)) {
      const folded = await this.liveFolded(row.id);
      return folded ? searchTextOf(folded) : '';
    }
    const cached = this.searchCache.get(row.id);
    if (cached && cached.updatedAt === row.updatedAt) return cached.text;
    // A search and the warm-up asking for the same file share one read.
    const key = `${row.id}@${row.updatedAt}`;
    const loading = this.searchTextLoads.get(key);
    if (loading) return loading;
    const load = this.readFolded(row.id)
      .catch(() => undefined)
      .then((folded) => {
        const text = folded ? searchTextOf(folded) : '';
        if (!this.deletedIds.has(row.id)) this.cacheSearchText(row.id, row.updatedAt, text);
        return text;
      })
      .finally(() => this.searchTextLoads.delete(key));
    this.searchTextLoads.set(key, load);
    return load;
  }

  private async readFolded(id: string): Promise<FoldedSession | undefined> {
    const file = await readSessionFile(this.deps.files, id);
    return file ? foldRecords(file.records).sessions.get(id) : undefined;
  }

  /**
   * A recording session as it stands: its session file (everything up to the last checkpoint) plus
   * the tail in memory. Runs in `serial` so no checkpoint is appending to the file meanwhile.
   * Undefined when the session is not recording here (any more).
   */
  private liveFolded(id: string): Promise<FoldedSession | undefined> {
    return this.serial(async () => {
      const s = this.active.get(id);
      if (!s) return undefined;
      const file = s.file ? await readSessionFile(this.deps.files, id) : null;
      const since = file ? file.checkpointSeq : -1;
      return foldRecords([...(file?.records ?? []), ...s.tail.recordsSince(since)]).sessions.get(id);
    });
  }

  async readSession(id: string): Promise<SessionTranscript> {
    if (this.active.has(id)) {
      const folded = await this.liveFolded(id);
      const live = this.active.get(id);
      if (live) return transcriptOf({ ...live.meta }, folded);
    }
    const row = await this.deps.meta.getSession(id);
    if (!row) throw new PersistenceError('unknown-session', `No session with id ${id}.`);
    return transcriptOf(row, await this.readFolded(id));
  }

  async getSession(id: string): Promise<SessionMeta> {
    const live = this.active.get(id);
    if (live) return { ...live.meta };
    const row = await this.deps.meta.getSession(id);
    if (!row) throw new PersistenceError('unknown-session', `No session with id ${id}.`);
    return row;
  }

  async renameSession(id: string, title: string): Promise<SessionMeta> {
    const row = await this.getSession(id);
    const renamed = { ...row, title };
    const live = this.active.get(id);
    if (live) live.meta.title = title;
    await this.deps.meta.putSession(renamed);
    await this.audit('renamed', id, { titleChars: title.length });
    this.broadcastChanged();
    return renamed;
  }

  // ---------------------------------------------------------------------------------------------
  // Deletion

  /**
   * Privacy deletion. Other live writers purge the session from their own segments first (request
   * over the peer bus, with a timeout); dead writers' folders are recovered (and so removed) first;
   * then this writer writes a SESSION_DELETE, rewrites its segments without the session's records
   * (zero-filling the old files), rewrites the ring file, shreds the session files, removes the
   * index row and audits the deletion with counts only.
   */
  async deleteSession(id: string, action: 'deleted' | 'retention-deleted' = 'deleted'): Promise<void> {
    const row = await this.deps.meta.getSession(id);
    if (!row && !this.active.has(id))
      throw new PersistenceError('unknown-session', `No session with id ${id}.`);
    const held = await this.deps.locks.heldWriterIds();
    const folders = (await this.deps.files.list(WAL_DIR))
      .filter((e) => e.kind === 'directory')
      .map((e) => e.name);
    const liveOthers = folders.filter((w) => w !== this.writerId && held.has(w));
    await Promise.all(liveOthers.map((w) => this.askPeerToPurge(w, id)));
    const report = emptyReport();
    for (const w of folders) {
      if (w === this.writerId || held.has(w)) continue;
      await this.deps.locks.withLockIfFree(w, () => recoverWriter(this.recoverySink(report), w));
    }
    await this.serial(async () => {
      const rewritten = await this.purgeLocal(id);
      const sessionFiles = await shredSessionFiles(this.deps.files, id);
      await this.deps.meta.deleteSession(id);
      this.forgetSearchText(id);
      await this.audit(action, id, {
        finals: row?.finals ?? 0,
        bytes: row?.bytes ?? 0,
        segmentsRewritten: rewritten,
        sessionFiles,
        peers: liveOthers.length,
      });
      await this.retireTombstoneSoftly(id);
    });
    this.broadcastChanged();
  }

  /**
   * The deletion is complete: its SESSION_DELETE goes, so a session written later under the same id
   * (an export imported back) is not erased when this writer's folder is recovered. On failure (e.g.
   * disk full) the tombstone stays and is retired again before that id is written (importSessions).
   */
  private async retireTombstoneSoftly(id: string, reportFailure = true): Promise<void> {
    try {
      await this.requireLog().retireTombstone(id);
      this.unretiredTombstones.delete(id);
    } catch (error) {
      this.unretiredTombstones.add(id);
      if (reportFailure) this.emitError(error, 'finishing the deletion');
    }
  }

  /** Drops a session from memory, the ring file and this writer's segments. Returns segments rewritten. */
  private async purgeLocal(id: string): Promise<number> {
    const log = this.requireLog();
    const live = this.active.get(id);
    this.deletedIds.add(id);
    this.active.delete(id);
    this.forgetSearchText(id);
    this.checkpointed.delete(id);
    this.ring.clearSession(id);
    let rewritten = 0;
    if (log.allSegments().some((seg) => seg.maxSeq.has(id))) {
      // The tombstone first: if we crash mid-purge, recovery finishes the deletion.
      const tombstone: SessionDeleteRecord = {
        type: 'session-delete',
        sessionId: id,
        seq: (live?.lastSeq ?? 0) + 1,
        at: this.now(),
      };
      log.append(tombstone);
      this.flushNow('control');
      rewritten = await log.purge(id);
    }
    this.writeRingSnapshot(true);
    return rewritten;
  }

  private askPeerToPurge(writerId: string, sessionId: string): Promise<void> {
    const peers = this.deps.peers;
    if (!peers) {
      return Promise.reject(
        new PersistenceError(
          'file-locked',
          'Another tab holds this session and cannot be reached. Close it and try again.',
        ),
      );
    }
    const requestId = this.newId();
    const timeoutMs = this.options.peerTimeoutMs ?? 5000;
    return new Promise<void>((resolve, reject) => {
      const timers = this.deps.timers;
      let timer: unknown = null;
      this.purgeWaiters.set(requestId, (reply) => {
        if (timer !== null) timers?.clearTimeout(timer);
        this.purgeWaiters.delete(requestId);
        if (reply.ok) resolve();
        else
          reject(
            new PersistenceError(
              'file-locked',
              `Another tab could not delete the session: ${reply.error ?? 'unknown error'}.`,
            ),
          );
      });
      if (timers) {
        timer = timers.setTimeout(() => {
          this.purgeWaiters.delete(requestId);
          reject(
            new PersistenceError(
              'file-locked',
              'Another tab that holds this session did not confirm the deletion in time. Nothing was deleted; close or reload that tab and try again.',
            ),
          );
        }, timeoutMs);
      }
      peers.post({ type: 'purge-request', from: this.writerId, to: writerId, requestId, sessionId });
    });
  }

  private onPeerMessage(message: PeerMessage): void {
    if (message.from === this.writerId) return;
    if (message.type === 'sessions-changed') {
      this.emit({ type: 'sessions-changed' });
      return;
    }
    if (message.to !== this.writerId) return;
    if (message.type === 'purge-done') {
      this.purgeWaiters.get(message.requestId)?.(message);
      return;
    }
    const wasRecording = this.active.has(message.sessionId);
    this.serial(async () => {
      await this.purgeLocal(message.sessionId);
      // Our part of the deletion is done; the deleting tab holds its own tombstone until it finishes.
      await this.retireTombstoneSoftly(message.sessionId);
    }).then(
      () => {
        if (wasRecording) this.emit({ type: 'session-stopped-elsewhere', sessionId: message.sessionId });
        this.deps.peers?.post({
          type: 'purge-done',
          from: this.writerId,
          to: message.from,
          requestId: message.requestId,
          ok: true,
        });
      },
      (error: unknown) => {
        this.deps.peers?.post({
          type: 'purge-done',
          from: this.writerId,
          to: message.from,
          requestId: message.requestId,
          ok: false,
          error: PersistenceError.from(error).message,
        });
      },
    );
  }

  // ---------------------------------------------------------------------------------------------
  // Retention

  async setRetentionDays(days: number | null): Promise<void> {
    if (days !== null && !(Number.isFinite(days) && days > 0)) {
      throw new PersistenceError('internal', 'Retention must be a positive number of days, or off.');
    }
    await this.deps.meta.setSetting('retentionDays', days);
    await this.applyRetention();
  }

  /** Deletes sessions started more than retentionDays ago (not those recording). Returns how many. */
  async applyRetention(): Promise<number> {
    const days = await this.deps.meta.getSetting<number | null>('retentionDays');
    if (!days) return 0;
    const held = await this.deps.locks.heldWriterIds();
    let deleted = 0;
    for (const row of await this.deps.meta.sessionsStartedBefore(this.now() - days * DAY_MS)) {
      if (this.active.has(row.id)) continue;
      if (row.status === 'recording' && row.writerId !== null && held.has(row.writerId)) continue;
      await this.deleteSession(row.id, 'retention-deleted');
      deleted++;
    }
    return deleted;
  }

  private scheduleRetention(): void {
    const timers = this.deps.timers;
    if (!timers || this.closed) return;
    this.retentionTimer = timers.setTimeout(() => {
      this.applyRetention()
        .catch((e) => this.emitError(e, 'applying the retention setting'))
        .finally(() => this.scheduleRetention());
    }, DAY_MS);
  }

  // ---------------------------------------------------------------------------------------------
  // Export / import / diagnostics / stats / audit

  async exportSessions(ids: string[] | 'all'): Promise<ExportFile> {
    const list = ids === 'all' ? (await this.deps.meta.allSessions()).map((r) => r.id) : ids;
    const sessions: ExportFile['sessions'] = [];
    let utterances = 0;
    for (const id of list) {
      const t = await this.readSession(id);
      utterances += t.utterances.length;
      sessions.push({
        id,
        title: t.meta.title,
        source: t.meta.source,
        lang: t.meta.lang,
        startedAt: t.meta.startedAt,
        stoppedAt: t.meta.stoppedAt,
        utterances: t.utterances,
      });
    }
    await this.audit('exported', ids === 'all' || ids.length !== 1 ? null : ids[0]!, {
      sessions: sessions.length,
      utterances,
    });
    return { format: 'scribe-vault-export', version: 1, exportedAt: this.now(), sessions };
  }

  /**
   * Imports a validated export. Sessions whose id exists already are skipped (importing twice is a
   * no-op). Works in batches: the session files of a batch are written (a few at a time, each in one
   * write()), then the batch's index rows and audit entries go in one IndexedDB transaction.
   */
  async importSessions(file: ExportFile): Promise<ImportResult> {
    await this.prepareToWriteIds(file.sessions.map((s) => s.id));
    let imported = 0;
    let skipped = 0;
    for (let i = 0; i < file.sessions.length; i += IMPORT_BATCH) {
      const batch = file.sessions.slice(i, i + IMPORT_BATCH);
      const withRow = await this.deps.meta.existingSessionIds(batch.map((s) => s.id));
      const fresh: ExportFile['sessions'] = [];
      const seen = new Set<string>();
      for (const s of batch) {
        if (this.active.has(s.id) || withRow.has(s.id) || seen.has(s.id)) skipped++;
        else fresh.push(s);
        seen.add(s.id);
      }
      const rows: SessionMeta[] = [];
      const audit: AuditEntry[] = [];
      let failure: unknown = null;
      await forEachConcurrently(fresh, IMPORT_CONCURRENCY, async (s) => {
        if (failure) return;
        try {
          if (await hasSessionFile(this.deps.files, s.id)) {
            skipped++; // a file without a row yet (start-up reconciliation adds its row)
            return;
          }
          const folded = foldRecords(importedRecords(s)).sessions.get(s.id)!;
          const written = await writeSessionFile(this.deps.files, s.id, sessionRecords(folded));
          this.deletedIds.delete(s.id);
          this.cacheSearchText(s.id, folded.updatedAt, searchTextOf(folded));
          rows.push(metaOfFolded(folded, written.bytes, 'imported'));
          audit.push({
            at: this.now(),
            action: 'imported',
            sessionId: s.id,
            outcome: 'ok',
            counts: { finals: folded.finals.length, bytes: written.bytes },
          });
        } catch (error) {
          failure ??= error;
        }
      });
      // The files written so far get their rows even when a later one failed (nothing half-imported).
      if (rows.length > 0) await this.deps.meta.putSessionsWithAudit(rows, audit);
      imported += rows.length;
      if (failure) {
        if (imported > 0) this.broadcastChanged();
        throw classifyStorageError(failure, 'importing sessions');
      }
    }
    if (imported > 0) this.broadcastChanged();
    return { imported, skipped };
  }

  /**
   * Before sessions are written under ids that may have been deleted earlier: dead writers' folders
   * are recovered now (so a SESSION_DELETE they hold is applied before, not after, the new data), and
   * a tombstone of our own that could not be retired right after its deletion is retired now.
   */
  private async prepareToWriteIds(ids: string[]): Promise<void> {
    const report = emptyReport();
    const held = await this.deps.locks.heldWriterIds();
    for (const e of await this.deps.files.list(WAL_DIR)) {
      if (e.kind !== 'directory' || e.name === this.writerId || held.has(e.name)) continue;
      await this.deps.locks.withLockIfFree(e.name, () => recoverWriter(this.recoverySink(report), e.name));
    }
    await this.serial(async () => {
      const log = this.requireLog();
      for (const id of ids) {
        if (log.hasTombstone(id)) await log.retireTombstone(id);
      }
    }).catch((error: unknown) => {
      throw classifyStorageError(error, 'importing sessions');
    });
  }

  /** Raw OPFS files for the `npm run wal` CLI. Files another tab holds open are left out. */
  async diagnostics(): Promise<DiagnosticFile[]> {
    const out: DiagnosticFile[] = [];
    const own = new Map<string, () => Uint8Array>();
    const log = this.requireLog();
    own.set(log.current.path, () => log.currentBytes());
    if (this.ringFile) {
      const ring = this.ringFile;
      own.set(ringPath(this.writerId), () => ring.read(0, ring.size()));
    }
    for (const path of await this.allFilePaths()) {
      const ownRead = own.get(path);
      const bytes = ownRead ? ownRead() : await this.deps.files.read(path).catch(() => null);
      if (bytes) out.push({ path, bytes });
    }
    return out;
  }

  private async allFilePaths(): Promise<string[]> {
    const paths: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const e of await this.deps.files.list(dir)) {
        const path = `${dir}/${e.name}`;
        if (e.kind === 'directory') await walk(path);
        else paths.push(path);
      }
    };
    for (const dir of [WAL_DIR, RING_DIR, SESSIONS_DIR]) await walk(dir);
    return paths;
  }

  /**
   * Bytes per kind. WAL and ring files are few and are measured; session files are summed from the
   * index rows (each row records its file's size), so the Storage view stays fast with 10,000 sessions.
   */
  async storageStats(pendingRecords = 0): Promise<StorageStats> {
    const bytes = { wal: 0, ring: 0, sessions: 0, index: 0 };
    let walSegments = 0;
    const log = this.requireLog();
    const walk = async (dir: string, visit: (path: string) => Promise<void>): Promise<void> => {
      for (const e of await this.deps.files.list(dir)) {
        const path = `${dir}/${e.name}`;
        if (e.kind === 'directory') await walk(path, visit);
        else await visit(path);
      }
    };
    const sizeOf = async (path: string): Promise<number> =>
      path === log.current.path
        ? log.size
        : path === ringPath(this.writerId)
          ? (this.ringFile?.size() ?? 0)
          : ((await this.deps.files.sizeOf(path).catch(() => null)) ?? 0);
    await walk(WAL_DIR, async (path) => {
      bytes.wal += await sizeOf(path);
      walSegments++;
    });
    await walk(RING_DIR, async (path) => {
      bytes.ring += await sizeOf(path);
    });
    for (const row of await this.deps.meta.allSessions()) bytes.sessions += row.bytes;
    bytes.index = await this.deps.meta.estimateBytes();
    return {
      bytes,
      records: {
        written: this.counters.written,
        partials: this.counters.partials,
        finals: this.counters.finals,
      },
      walSegments,
      lastFlushAt: this.lastFlushAt,
      flushLatencyMs: {
        median: Math.round(median(this.latencies) * 1000) / 1000,
        max: Math.round(this.latencyMax * 1000) / 1000,
        count: this.latencyCount,
      },
      pendingRecords,
      ringOverflows: this.counters.ringOverflows,
      persisted: this.persisted,
      quota: (await this.deps.estimate?.().catch(() => null)) ?? null,
      retentionDays: (await this.deps.meta.getSetting<number | null>('retentionDays')) ?? null,
    };
  }

  setPersisted(persisted: boolean | null): void {
    this.persisted = persisted;
  }

  auditLog(offset: number, limit: number): Promise<AuditEntry[]> {
    return this.deps.meta.pageAudit(offset, limit);
  }

  // ---------------------------------------------------------------------------------------------
  // Events, lifecycle, helpers

  subscribe(listener: (event: PersistenceEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Graceful close: flush, snapshot the ring, close every handle. Open sessions stay recoverable. */
  async close(): Promise<void> {
    await this.serial(async () => {
      if (this.closed) return;
      this.pageHide();
      this.closed = true;
      if (this.flushTimer !== null) this.deps.timers?.clearTimeout(this.flushTimer);
      if (this.retentionTimer !== null) this.deps.timers?.clearTimeout(this.retentionTimer);
      this.log?.close();
      this.ringFile?.close();
      this.deps.peers?.close();
    });
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(() => {
      if (this.closed) throw new PersistenceError('internal', 'The persistence worker is closed.');
      return fn();
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  private requireLog(): SegmentLog {
    if (!this.log) throw new PersistenceError('internal', 'The persistence engine is not initialised.');
    return this.log;
  }

  private now(): number {
    return this.deps.clock.now();
  }

  private emit(event: PersistenceEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // A listener's failure must not break persistence.
      }
    }
  }

  private emitError(error: unknown, context: string): void {
    this.emit({ type: 'error', error: classifyStorageError(error, context).info });
  }

  private broadcastChanged(): void {
    this.emit({ type: 'sessions-changed' });
    this.deps.peers?.post({ type: 'sessions-changed', from: this.writerId });
  }

  private async audit(
    action: AuditAction,
    sessionId: string | null,
    counts: Record<string, number>,
  ): Promise<void> {
    await this.deps.meta.appendAudit({ at: this.now(), action, sessionId, outcome: 'ok', counts });
  }
}

/**
 * The canonical records of an exported session: SESSION_START, a FINAL per utterance — a PARTIAL
 * for one marked `uncertain` (rebuilt from unfinished text after a crash), so the mark survives the
 * round trip: the fold keeps it pending, with endMs = at − startedAt — and SESSION_STOP 'imported'.
 */
function importedRecords(s: ExportFile['sessions'][number]): WalRecord[] {
  const records: WalRecord[] = [
    {
      type: 'session-start',
      sessionId: s.id,
      seq: 0,
      at: s.startedAt,
      title: s.title,
      source: s.source,
      lang: s.lang,
    },
  ];
  let seq = 1;
  for (const u of s.utterances) {
    if (u.uncertain) {
      records.push({
        type: 'partial',
        sessionId: s.id,
        seq: seq++,
        at: s.startedAt + u.endMs,
        utterance: u.index,
        startMs: u.startMs,
        text: u.text,
      });
      continue;
    }
    records.push({
      type: 'final',
      sessionId: s.id,
      seq: seq++,
      at: s.startedAt + u.endMs,
      utterance: u.index,
      startMs: u.startMs,
      endMs: u.endMs,
      text: u.text,
      confidence: u.confidence,
    });
  }
  const lastAt = records.reduce((m, r) => Math.max(m, r.at), s.startedAt);
  records.push({ type: 'session-stop', sessionId: s.id, seq, at: s.stoppedAt ?? lastAt, reason: 'imported' });
  return records;
}

/** Runs `fn` over `items` with at most `limit` calls in flight. */
async function forEachConcurrently<T>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** A cheap bound on a record's full frame size (header + fields + UTF-8 text ≤ 3 bytes per UTF-16 unit). */
function frameBytesUpperBound(record: WalRecord): number {
  const text =
    record.type === 'partial' || record.type === 'final'
      ? record.text.length
      : record.type === 'session-start'
        ? record.title.length + record.source.length + record.lang.length
        : record.type === 'session-stop'
          ? record.reason.length
          : 0;
  return 96 + record.sessionId.length + 3 * text;
}

function ringEntryOf(record: PartialRecord | FinalRecord): RingEntry {
  return {
    sessionId: record.sessionId,
    utterance: record.utterance,
    kind: record.type,
    seq: record.seq,
    at: record.at,
    startMs: record.startMs,
    endMs: record.type === 'final' ? record.endMs : record.startMs,
    text: record.text,
    confidence: record.type === 'final' ? record.confidence : null,
  };
}

function recordOfRingEntry(e: RingEntry): WalRecord {
  const base = {
    sessionId: e.sessionId,
    seq: e.seq,
    at: e.at,
    utterance: e.utterance,
    startMs: e.startMs,
    text: e.text,
  };
  return e.kind === 'final'
    ? { ...base, type: 'final', endMs: e.endMs, confidence: e.confidence }
    : { ...base, type: 'partial' };
}

export function metaOfFolded(
  folded: FoldedSession,
  bytes: number,
  status: SessionMeta['status'],
): SessionMeta {
  const stoppedAt = folded.stoppedAt ?? (status === 'recording' ? null : folded.updatedAt);
  return {
    id: folded.id,
    title: folded.title || 'Untitled session',
    source: folded.source,
    lang: folded.lang,
    status,
    startedAt: folded.startedAt,
    updatedAt: folded.updatedAt,
    stoppedAt,
    durationMs: Math.max(0, (stoppedAt ?? folded.updatedAt) - folded.startedAt),
    finals: folded.finals.length,
    bytes,
    writerId: null,
    hasUncertain: folded.pending.length > 0,
  };
}

function describeSkipped(report: RecoveryReport): string {
  const total = report.skipped.reduce((n, s) => n + s.length, 0);
  const files = [...new Set(report.skipped.map((s) => s.file))];
  return `Skipped ${total} damaged bytes in ${files.join(', ')} during recovery; everything intact was recovered.`;
}
