/**
 * Recovery bench: writes a WAL of a given size (the project's SegmentWriter, 10 MiB rotation) or the
 * same records into SQLite (opfs-sahpool), then — in a fresh worker, as after a reload — recovers it:
 * WAL: open every segment, read it, then replayWal (src/store/wal-replay.ts: the code start-up
 * recovery runs on a dead writer's files: scan every frame, fold per session as it reads), utterances.
 * SQLite: load the wasm, install the VFS pool, open the database, SELECT every row in order, feed the
 * same RecoveryFold (so both sides pay the same rebuild logic and differ only in storage and decode).
 * One worker instance per step; the page terminates it afterwards.
 */
import * as Comlink from 'comlink';
import { SegmentEncoder } from '../../src/core/segment-encoder.ts';
import type { WalRecord } from '../../src/core/records.ts';
import { RecoveryFold, utterancesOf } from '../../src/core/recovery-fold.ts';
import { replayWal, type WalFileBytes } from '../../src/store/wal-replay.ts';
import { DEFAULT_ROTATION_POLICY } from '../../src/core/rotation-policy.ts';
import type { RecoveryResult, RecoveryWorkerApi } from '../shared/protocol.ts';
import { benchStream } from '../shared/workload.ts';

const WAL_DIR = 'bench-recovery-wal';
const SQLITE_DIR = '/bench-sqlite-recovery';
const SQLITE_DB = '/recovery.sqlite3';
const MIB = 1024 * 1024;
/** Records per generated session: about one 10 MiB segment's worth. */
const RECORDS_PER_SESSION = 50_000;

async function walDir(create: boolean): Promise<FileSystemDirectoryHandle | null> {
  const root = await navigator.storage.getDirectory();
  try {
    return await root.getDirectoryHandle(WAL_DIR, { create });
  } catch {
    return null;
  }
}

async function sqliteModules() {
  const [{ default: init }, stores] = await Promise.all([
    import('@sqlite.org/sqlite-wasm'),
    import('./sqlite-stores.ts'),
  ]);
  return { init, stores };
}

/**
 * Frames exactly as the WAL writer lays them out: one SegmentEncoder per segment (partials become
 * PARTIAL_DELTA frames against the previous partial of their utterance), a new segment when the next
 * frame would pass the rotation size.
 */
class SegmentedFrames {
  private encoder = new SegmentEncoder();
  private used = 0;
  constructor(private readonly segmentMax: number) {}
  /** The frame of `record`, and whether it starts a new segment. */
  next(record: WalRecord): { frame: Uint8Array; startsSegment: boolean } {
    let frame = this.encoder.encode(record);
    let startsSegment = false;
    if (this.used > 0 && this.used + frame.length > this.segmentMax) {
      this.encoder = new SegmentEncoder();
      frame = this.encoder.encode(record);
      this.used = 0;
      startsSegment = true;
    }
    this.used += frame.length;
    return { frame, startsSegment };
  }
}

/** Calls `each` with successive records until `enough()` says stop; sessions of RECORDS_PER_SESSION. */
function generate(seed: number, enough: () => boolean, each: (r: WalRecord) => void): number {
  let count = 0;
  for (let session = 0; !enough(); session++) {
    for (const record of benchStream(seed + session, RECORDS_PER_SESSION)) {
      each(record);
      count++;
      if (enough()) break;
    }
  }
  return count;
}

const api: RecoveryWorkerApi = {
  async prepareWal(targetMiB, seed) {
    const dir = (await walDir(true))!;
    const target = targetMiB * MIB;
    const segmentMax = DEFAULT_ROTATION_POLICY.maxBytes;
    let written = 0;
    let segment: Uint8Array = new Uint8Array(segmentMax);
    let used = 0;
    let seq = 0;
    const writeSegment = async () => {
      const file = await dir.getFileHandle(`${String(seq++).padStart(6, '0')}.wal`, { create: true });
      const handle = await file.createSyncAccessHandle();
      handle.truncate(0);
      handle.write(segment.subarray(0, used), { at: 0 });
      handle.flush();
      handle.close();
      used = 0;
    };
    const pendingWrites: Array<Uint8Array> = [];
    const frames = new SegmentedFrames(segmentMax);
    const records = generate(
      seed,
      () => written >= target,
      (record) => {
        const { frame, startsSegment } = frames.next(record);
        if (startsSegment) {
          pendingWrites.push(segment.slice(0, used));
          segment = new Uint8Array(segmentMax);
          used = 0;
        }
        segment.set(frame, used);
        used += frame.length;
        written += frame.length;
      },
    );
    if (used > 0) pendingWrites.push(segment.slice(0, used));
    for (const bytes of pendingWrites) {
      segment = bytes;
      used = bytes.length;
      await writeSegment();
    }
    return { bytes: written, records };
  },

  async recoverWal() {
    const t0 = performance.now();
    const dir = await walDir(false);
    if (!dir) throw new Error('no WAL to recover');
    const names: string[] = [];
    // keys() is in every browser with OPFS but not in TypeScript's WebWorker lib yet.
    const entries = (dir as unknown as { keys(): AsyncIterable<string> }).keys();
    for await (const name of entries) if (name.endsWith('.wal')) names.push(name);
    names.sort();
    const files: WalFileBytes[] = [];
    let bytes = 0;
    for (const name of names) {
      const handle = await (await dir.getFileHandle(name)).createSyncAccessHandle();
      try {
        const data = new Uint8Array(handle.getSize());
        handle.read(data, { at: 0 });
        bytes += data.length;
        files.push({ path: name, bytes: data });
      } finally {
        handle.close();
      }
    }
    const r0 = performance.now();
    // What the engine's start-up recovery runs on a dead writer's files (src/store/recovery.ts),
    // here with no session files (the generated sessions were never checkpointed).
    const replay = await replayWal(files, async () => null);
    const replayMs = performance.now() - r0;
    let records = 0;
    let utterances = 0;
    for (const { folded, newer } of replay.sessions) {
      records += newer;
      if (folded) utterances += utterancesOf(folded).length;
    }
    const result: RecoveryResult = {
      kind: 'wal',
      targetBytes: 0,
      bytes,
      records,
      recoverMs: performance.now() - t0,
      readMs: replayMs,
      coldStartMs: 0,
      utterances,
    };
    return result;
  },

  async removeWal() {
    const root = await navigator.storage.getDirectory();
    await root.removeEntry(WAL_DIR, { recursive: true }).catch(() => undefined);
  },

  async prepareSqlite(targetMiB, seed) {
    const { init, stores } = await sqliteModules();
    const sqlite3 = await init();
    const pool = await sqlite3.installOpfsSAHPoolVfs({ directory: SQLITE_DIR, clearOnInit: true });
    const db = new pool.OpfsSAHPoolDb(SQLITE_DB);
    db.exec(stores.SQLITE_SCHEMA);
    const insert = db.prepare(stores.SQLITE_INSERT);
    // Same records as the WAL of this size: stop at the same encoded byte count.
    const target = targetMiB * MIB;
    let walBytes = 0;
    const frames = new SegmentedFrames(DEFAULT_ROTATION_POLICY.maxBytes);
    let inBatch = 0;
    db.exec('BEGIN');
    const records = generate(
      seed,
      () => walBytes >= target,
      (record) => {
        walBytes += frames.next(record).frame.length;
        insert.bind(stores.recordRow(record)).stepReset();
        if (++inBatch === 10_000) {
          db.exec('COMMIT; BEGIN');
          inBatch = 0;
        }
      },
    );
    db.exec('COMMIT');
    insert.finalize();
    const bytes = stores.databaseBytes(db);
    db.close();
    pool.pauseVfs();
    return { bytes, records };
  },

  async recoverSqlite() {
    const t0 = performance.now();
    const { init, stores } = await sqliteModules();
    const sqlite3 = await init();
    const pool = await sqlite3.installOpfsSAHPoolVfs({ directory: SQLITE_DIR });
    const coldStartMs = performance.now() - t0;
    const db = new pool.OpfsSAHPoolDb(SQLITE_DB);
    const fold = new RecoveryFold();
    let records = 0;
    const r0 = performance.now();
    const stmt = db.prepare(
      'SELECT session, seq, type, at, utterance, start_ms, end_ms, text, confidence, meta FROM records ORDER BY session, seq',
    );
    try {
      while (stmt.step()) {
        fold.apply(stores.rowRecord(stmt.get([])));
        records++;
      }
    } finally {
      stmt.finalize();
    }
    const readMs = performance.now() - r0;
    let utterances = 0;
    for (const session of fold.result().sessions.values()) utterances += utterancesOf(session).length;
    const bytes = stores.databaseBytes(db);
    db.close();
    await pool.removeVfs();
    const result: RecoveryResult = {
      kind: 'sqlite',
      targetBytes: 0,
      bytes,
      records,
      recoverMs: performance.now() - t0,
      readMs,
      coldStartMs,
      utterances,
    };
    return result;
  },
};

Comlink.expose(api);
