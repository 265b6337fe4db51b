/**
 * What crosses between the Node driver, the bench page and the bench workers. Types only, plus the
 * contender catalogue (so the driver, the page and the report agree on names and descriptions).
 */

/** Peers that run inside bench/worker/peers.worker.ts, each over the same record stream. */
export type PeerKind =
  | 'scribe-engine'
  | 'wal-writer'
  | 'opfs-raw'
  | 'opfs-jsonl'
  | 'idb-put'
  | 'idb-put-relaxed'
  | 'idb-batch'
  | 'sqlite-autocommit'
  | 'sqlite-txn';

export const PEER_KINDS: readonly PeerKind[] = [
  'scribe-engine',
  'wal-writer',
  'opfs-raw',
  'opfs-jsonl',
  'idb-put',
  'idb-put-relaxed',
  'idb-batch',
  'sqlite-autocommit',
  'sqlite-txn',
];

export const PEER_LABELS: Record<PeerKind, string> = {
  'scribe-engine':
    "Scribe Vault engine (src/store/engine.ts + the worker's OPFS/IndexedDB adapters) hosted in a bench worker: appendBatch([record]) per record, no Comlink hop",
  'wal-writer': 'Scribe Vault WAL codec (SegmentWriter over OPFS, in a bench worker)',
  'opfs-raw':
    'Raw OPFS write() of the same frames the WAL writer produces, pre-encoded (no encoding, no CRC)',
  'opfs-jsonl': 'JSON lines on OPFS',
  'idb-put': 'IndexedDB, one put per record (default durability)',
  'idb-put-relaxed': "IndexedDB, one put per record (durability 'relaxed')",
  'idb-batch': "IndexedDB, one transaction per flush (durability 'strict')",
  'sqlite-autocommit': 'SQLite WASM opfs-sahpool, one INSERT per record (autocommit)',
  'sqlite-txn': 'SQLite WASM opfs-sahpool, one transaction per flush',
};

/** When each contender makes a record survive a renderer crash / an OS crash. */
export const PEER_DURABILITY: Record<PeerKind, string> = {
  'scribe-engine': 'write() on arrival; flush() on cadence',
  'wal-writer': 'write() on arrival; flush() on cadence',
  'opfs-raw': 'write() on arrival; flush() on cadence',
  'opfs-jsonl': 'write() on arrival; flush() on cadence',
  'idb-put': 'commit per record',
  'idb-put-relaxed': 'commit per record, no fsync',
  'idb-batch': 'only at flush: a renderer crash loses the batch',
  'sqlite-autocommit': 'commit + fsync per record (stronger than needed)',
  'sqlite-txn': 'only at commit: a renderer crash loses the open transaction',
};

export interface FlushCadence {
  /** Flush when this many partials were stored since the last flush. */
  everyPartials: number;
  /** Flush when dirty and this long since the last flush. */
  intervalMs: number;
  /** Flush right after each FINAL (and SESSION_START/STOP). */
  onFinal: boolean;
}

export interface TrialOptions {
  seed: number;
  records: number;
  /** 0 = as fast as possible (throughput); otherwise records per second (latency at live rate). */
  ratePerSecond: number;
  cadence: FlushCadence;
  /** Leave the stored data in place (the size run measures the profile afterwards). */
  keep?: boolean;
}

export interface TrialResult {
  kind: string;
  records: number;
  /** Wall time of the whole append loop, ms (throughput = records / totalMs). */
  totalMs: number;
  /** Worker-side cost of each record: store + any flush it triggered, µs. */
  perRecordUs: number[];
  /** Duration of each flush, µs. */
  flushUs: number[];
  /** Logical bytes stored (file length, or for databases their own page accounting). */
  bytes: number;
  /** Resolution of performance.now() seen in this worker, µs (5 µs when cross-origin isolated). */
  clockResolutionUs: number;
}

export interface RecoveryResult {
  kind: 'wal' | 'sqlite';
  targetBytes: number;
  /** Bytes actually stored (WAL: sum of segment sizes; SQLite: database size). */
  bytes: number;
  records: number;
  /** From the worker's first line to the rebuilt transcript (open + read + fold + utterances), ms. */
  recoverMs: number;
  /** WAL: readSegmentLazyText time; SQLite: the SELECT loop including the fold it feeds, ms. */
  readMs: number;
  /** SQLite only: wasm init + VFS pool install (part of recoverMs), ms. */
  coldStartMs: number;
  utterances: number;
}

export interface SizeResult {
  kind: 'wal' | 'jsonl' | 'idb' | 'sqlite';
  records: number;
  /** Logical bytes the store reports (file sizes, or SQLite page_count × page_size). */
  logicalBytes: number;
}

/** What bench/worker/peers.worker.ts exposes with Comlink. */
export interface PeersWorkerApi {
  runTrial(kind: PeerKind, opts: TrialOptions): Promise<TrialResult>;
  /** Scale set-up: `count` stopped sessions (session files + index rows) written in bulk. */
  seedIndex(count: number, utterances: number, seed: number): Promise<{ ms: number }>;
}

/** What bench/worker/recovery.worker.ts exposes (one fresh worker per step). */
export interface RecoveryWorkerApi {
  prepareWal(targetMiB: number, seed: number): Promise<{ bytes: number; records: number }>;
  recoverWal(): Promise<RecoveryResult>;
  removeWal(): Promise<void>;
  prepareSqlite(targetMiB: number, seed: number): Promise<{ bytes: number; records: number }>;
  /** Recovers and then removes the pool (the data). */
  recoverSqlite(): Promise<RecoveryResult>;
}
