/**
 * Session files: `sessions/<id>/<generation>.wal` hold a session's compacted records in the WAL
 * framing, in chunks that each end with a CHECKPOINT record. Writing is crash-safe without rename:
 * - a new generation is written in one write(), flushed and closed, and only then are older
 *   generations removed (recovery, import: a whole session at once);
 * - the writer recording a session appends a chunk (the records since its last checkpoint, then a
 *   CHECKPOINT) to its generation at each checkpoint, so checkpointing an 8-hour session costs what
 *   happened since the last one, not the whole session again.
 * A file holds what comes before its last intact CHECKPOINT of that session: a torn append leaves the
 * previous chunks readable (what it held is still in the WAL, whose segments are only deleted once a
 * checkpoint covering them is flushed), and a generation without any CHECKPOINT (a torn first write)
 * is ignored in favour of the previous generation.
 */
import { encodeFrames, readSegment, type SkippedRange } from '../core/framing.ts';
import type { CheckpointRecord, WalRecord } from '../core/records.ts';
import { SESSIONS_DIR, parseGenerationName, sessionDir, sessionFilePath } from './paths.ts';
import { shredFile } from './shred.ts';
import type { FileStore } from './types.ts';

export interface SessionFileRead {
  path: string;
  records: WalRecord[];
  skipped: SkippedRange[];
  bytes: number;
  /** upToSeq of the closing CHECKPOINT (which `records` ends with). */
  checkpointSeq: number;
}

/** Where a session's current generation ends: the next chunk is appended there. */
export interface SessionFileEnd {
  path: string;
  bytes: number;
}

/** Ids of every session that has a session directory. */
export async function listSessionIds(files: FileStore): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const entry of await files.list(SESSIONS_DIR)) if (entry.kind === 'directory') ids.add(entry.name);
  return ids;
}

/** True when the session has at least one session-file generation (lists only its own directory). */
export async function hasSessionFile(files: FileStore, sessionId: string): Promise<boolean> {
  return (await generationsOf(files, sessionId)).length > 0;
}

/** Generations present for one session, ascending, each with its reader when the store offers one. */
async function generationEntriesOf(
  files: FileStore,
  sessionId: string,
): Promise<Array<{ generation: number; read?: () => Promise<Uint8Array | null> }>> {
  const out: Array<{ generation: number; read?: () => Promise<Uint8Array | null> }> = [];
  for (const e of await files.list(sessionDir(sessionId))) {
    const generation = e.kind === 'file' ? parseGenerationName(e.name) : null;
    if (generation !== null) out.push({ generation, read: e.read });
  }
  return out.sort((a, b) => a.generation - b.generation);
}

/** Generations present for one session, ascending. */
async function generationsOf(files: FileStore, sessionId: string): Promise<number[]> {
  return (await generationEntriesOf(files, sessionId)).map((g) => g.generation);
}

function parseComplete(sessionId: string, path: string, bytes: Uint8Array): SessionFileRead | null {
  const result = readSegment(bytes);
  const records = result.records.map((r) => r.record).filter((r) => r.sessionId === sessionId);
  // Records after the last CHECKPOINT are a torn append: the WAL still holds them.
  let end = records.length;
  while (end > 0 && records[end - 1]!.type !== 'checkpoint') end--;
  if (end === 0) return null;
  const last = records[end - 1] as CheckpointRecord;
  records.length = end;
  return {
    path,
    records,
    skipped: result.skipped,
    bytes: bytes.length,
    checkpointSeq: last.upToSeq,
  };
}

/** The newest complete generation of a session's file, or null when there is none. */
export async function readSessionFile(files: FileStore, sessionId: string): Promise<SessionFileRead | null> {
  const generations = await generationEntriesOf(files, sessionId);
  for (let i = generations.length - 1; i >= 0; i--) {
    const { generation, read } = generations[i]!;
    const path = sessionFilePath(sessionId, generation);
    const bytes = read ? await read() : await files.read(path);
    if (!bytes) continue;
    const parsed = parseComplete(sessionId, path, bytes);
    if (parsed) return parsed;
  }
  return null;
}

/**
 * Writes a session's canonical records (sessionToRecords: they end with the closing CHECKPOINT) as a new
 * generation in one write(), flushes and closes it, then removes the older generations.
 */
export async function writeSessionFile(
  files: FileStore,
  sessionId: string,
  records: WalRecord[],
): Promise<SessionFileEnd> {
  requireClosingCheckpoint(records);
  const generations = await generationsOf(files, sessionId);
  const next = (generations[generations.length - 1] ?? 0) + 1;
  const path = sessionFilePath(sessionId, next);
  const frames = encodeFrames(records);
  const file = await files.open(path);
  try {
    file.truncate(0);
    file.write(0, frames);
    file.flush();
  } catch (error) {
    file.close();
    // A torn new generation would be ignored anyway; removing it frees the space it took.
    await files.remove(path).catch(() => undefined);
    throw error;
  }
  file.close();
  for (const old of generations) await files.remove(sessionFilePath(sessionId, old));
  return { path, bytes: frames.length };
}

/**
 * Appends a chunk (records ending with a CHECKPOINT) at the end of a generation this writer wrote,
 * flushes and closes it. On failure the file is cut back to where it ended (best effort: a torn
 * chunk is ignored by readers anyway) and the error is rethrown; the caller keeps its old end.
 */
export async function appendSessionFile(
  files: FileStore,
  end: SessionFileEnd,
  records: WalRecord[],
): Promise<SessionFileEnd> {
  requireClosingCheckpoint(records);
  const frames = encodeFrames(records);
  const file = await files.open(end.path);
  try {
    file.write(end.bytes, frames);
    // A chunk that failed earlier may have left bytes past the old end: drop what this one did not cover.
    if (file.size() > end.bytes + frames.length) file.truncate(end.bytes + frames.length);
    file.flush();
  } catch (error) {
    try {
      file.truncate(end.bytes);
    } catch {
      // Nothing more to do: readers stop at the last intact CHECKPOINT.
    }
    file.close();
    throw error;
  }
  file.close();
  return { path: end.path, bytes: end.bytes + frames.length };
}

function requireClosingCheckpoint(records: WalRecord[]): void {
  if (records[records.length - 1]?.type !== 'checkpoint') {
    throw new RangeError('session file chunks must end with a CHECKPOINT');
  }
}

/** Overwrites and removes every generation of a session's file (privacy deletion). */
export async function shredSessionFiles(files: FileStore, sessionId: string): Promise<number> {
  const generations = await generationsOf(files, sessionId);
  for (const g of generations) await shredFile(files, sessionFilePath(sessionId, g));
  await files.remove(sessionDir(sessionId));
  return generations.length;
}
