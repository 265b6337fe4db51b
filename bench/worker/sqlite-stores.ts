/**
 * SQLite WASM peers over the opfs-sahpool VFS (FileSystemSyncAccessHandle pool, no COOP/COEP needed):
 * one INSERT per record in autocommit mode, or one transaction per flush. The module and its wasm
 * are bundled by Vite and served locally.
 */
import sqlite3InitModule, {
  type Database,
  type PreparedStatement,
  type SAHPoolUtil,
  type SqlValue,
} from '@sqlite.org/sqlite-wasm';
import { RecordTypeCode, type WalRecord } from '../../src/core/records.ts';
import type { RecordStore } from './trial.ts';

const POOL_DIRECTORY = '/bench-sqlite-pool';

let poolPromise: Promise<SAHPoolUtil> | null = null;

/** The VFS pool is installed once per worker (it holds its sync access handles while alive). */
export function sqlitePool(): Promise<SAHPoolUtil> {
  poolPromise ??= sqlite3InitModule().then((sqlite3) =>
    sqlite3.installOpfsSAHPoolVfs({ directory: POOL_DIRECTORY, initialCapacity: 8, clearOnInit: true }),
  );
  return poolPromise;
}

const SCHEMA = `CREATE TABLE IF NOT EXISTS records (
  session TEXT NOT NULL, seq INTEGER NOT NULL, type INTEGER NOT NULL, at INTEGER NOT NULL,
  utterance INTEGER, start_ms INTEGER, end_ms INTEGER, text TEXT, confidence REAL, meta TEXT,
  PRIMARY KEY (session, seq))`;

const INSERT = `INSERT INTO records (session, seq, type, at, utterance, start_ms, end_ms, text, confidence, meta)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

type Row = [
  string,
  number,
  number,
  number,
  number | null,
  number | null,
  number | null,
  string | null,
  number | null,
  string | null,
];

/** A record as one row: the columns a transcript app would query. */
export function recordRow(r: WalRecord): Row {
  switch (r.type) {
    case 'session-start':
      return [
        r.sessionId,
        r.seq,
        RecordTypeCode.SESSION_START,
        r.at,
        null,
        null,
        null,
        r.title,
        null,
        `${r.source}|${r.lang}`,
      ];
    case 'partial':
      return [
        r.sessionId,
        r.seq,
        RecordTypeCode.PARTIAL,
        r.at,
        r.utterance,
        r.startMs,
        null,
        r.text,
        null,
        null,
      ];
    case 'final':
      return [
        r.sessionId,
        r.seq,
        RecordTypeCode.FINAL,
        r.at,
        r.utterance,
        r.startMs,
        r.endMs,
        r.text,
        r.confidence,
        null,
      ];
    case 'session-stop':
      return [r.sessionId, r.seq, RecordTypeCode.SESSION_STOP, r.at, null, null, null, null, null, r.reason];
    case 'checkpoint':
      return [
        r.sessionId,
        r.seq,
        RecordTypeCode.CHECKPOINT,
        r.at,
        r.upToSeq,
        null,
        null,
        null,
        null,
        String(r.finals),
      ];
    case 'session-delete':
      return [r.sessionId, r.seq, RecordTypeCode.SESSION_DELETE, r.at, null, null, null, null, null, null];
  }
}

/** A row (columns in Row order, as SELECTed) back into the record it stores. */
export function rowRecord(row: SqlValue[]): WalRecord {
  const [session, seq, type, at, utterance, startMs, endMs, text, confidence, meta] = row;
  const base = { sessionId: String(session), seq: Number(seq), at: Number(at) };
  switch (Number(type)) {
    case RecordTypeCode.SESSION_START: {
      const [source = '', lang = ''] = String(meta).split('|');
      return { ...base, type: 'session-start', title: String(text), source, lang };
    }
    case RecordTypeCode.PARTIAL:
      return {
        ...base,
        type: 'partial',
        utterance: Number(utterance),
        startMs: Number(startMs),
        text: String(text),
      };
    case RecordTypeCode.FINAL:
      return {
        ...base,
        type: 'final',
        utterance: Number(utterance),
        startMs: Number(startMs),
        endMs: Number(endMs),
        text: String(text),
        confidence: confidence === null ? null : Number(confidence),
      };
    case RecordTypeCode.SESSION_STOP:
      return { ...base, type: 'session-stop', reason: String(meta) };
    case RecordTypeCode.CHECKPOINT:
      return { ...base, type: 'checkpoint', upToSeq: Number(utterance), finals: Number(meta) };
    default:
      return { ...base, type: 'session-delete' };
  }
}

export async function openSqliteDb(name: string): Promise<{ db: Database; pool: SAHPoolUtil; path: string }> {
  const pool = await sqlitePool();
  const path = `/${name}.sqlite3`;
  pool.unlink(path);
  const db = new pool.OpfsSAHPoolDb(path);
  db.exec(SCHEMA);
  return { db, pool, path };
}

export function databaseBytes(db: Database): number {
  const pages = Number(db.selectValue('PRAGMA page_count'));
  const pageSize = Number(db.selectValue('PRAGMA page_size'));
  return pages * pageSize;
}

export async function sqliteStore(
  name: string,
  records: readonly WalRecord[],
  mode: 'autocommit' | 'txn',
): Promise<RecordStore> {
  const { db, pool, path } = await openSqliteDb(name);
  const insert: PreparedStatement = db.prepare(INSERT);
  let inTxn = false;
  return {
    durableByItself: mode === 'autocommit',
    append(index) {
      if (mode === 'txn' && !inTxn) {
        db.exec('BEGIN');
        inTxn = true;
      }
      insert.bind(recordRow(records[index]!)).stepReset();
    },
    flush() {
      // Autocommit already committed (and synced, synchronous=FULL) every INSERT.
      if (inTxn) {
        db.exec('COMMIT');
        inTxn = false;
      }
    },
    bytes: () => databaseBytes(db),
    dispose(keep) {
      insert.finalize();
      db.close();
      if (!keep) pool.unlink(path);
    },
  };
}

export { INSERT as SQLITE_INSERT, SCHEMA as SQLITE_SCHEMA };
