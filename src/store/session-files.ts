/**
 * Session files: `sessions/<id>/<generation>.wal` hold a session's compacted records in the WAL
 * framing, ending with a CHECKPOINT record. Writing is crash-safe without rename: a new generation is
 * written in one write(), flushed and closed, and only then are older generations removed. A file is
 * complete iff its last intact record is a CHECKPOINT of that session, so a torn new generation is
 * ignored in favour of the previous one.
 */
import { encodeFrames, readSegment, type SkippedRange } from '../core/framing.ts';
import type { WalRecord } from '../core/records.ts';
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
  const last = records[records.length - 1];
  if (!last || last.type !== 'checkpoint') return null;
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
): Promise<{ path: string; bytes: number }> {
  if (records[records.length - 1]?.type !== 'checkpoint') {
    throw new RangeError('writeSessionFile: records must end with a CHECKPOINT');
  }
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

/** Overwrites and removes every generation of a session's file (privacy deletion). */
export async function shredSessionFiles(files: FileStore, sessionId: string): Promise<number> {
  const generations = await generationsOf(files, sessionId);
  for (const g of generations) await shredFile(files, sessionFilePath(sessionId, g));
  await files.remove(sessionDir(sessionId));
  return generations.length;
}
