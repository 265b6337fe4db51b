/**
 * The OPFS layout (see docs/ARCHITECTURE.md):
 *   wal/<writerId>/<8-digit segment number>.wal   append-only WAL segments of one writer (tab)
 *   ring/<writerId>.ring                           that writer's ring-buffer snapshot
 *   sessions/<sessionId>/<8-digit generation>.wal  a session's compacted records, ending in a CHECKPOINT
 */
export const WAL_DIR = 'wal';
export const RING_DIR = 'ring';
export const SESSIONS_DIR = 'sessions';

function pad8(n: number): string {
  return String(n).padStart(8, '0');
}

export function writerDir(writerId: string): string {
  return `${WAL_DIR}/${writerId}`;
}

export function segmentPath(writerId: string, segmentNo: number): string {
  return `${WAL_DIR}/${writerId}/${pad8(segmentNo)}.wal`;
}

/** The segment number of a file name like `00000012.wal`, or null. */
export function parseSegmentName(name: string): number | null {
  const m = /^(\d{8,})\.wal$/.exec(name);
  return m ? Number(m[1]) : null;
}

export function ringPath(writerId: string): string {
  return `${RING_DIR}/${writerId}.ring`;
}

export function parseRingName(name: string): string | null {
  return name.endsWith('.ring') ? name.slice(0, -'.ring'.length) : null;
}

/** One directory per session, so reading or replacing a session's file lists only its own generations. */
export function sessionDir(sessionId: string): string {
  return `${SESSIONS_DIR}/${sessionId}`;
}

export function sessionFilePath(sessionId: string, generation: number): string {
  return `${SESSIONS_DIR}/${sessionId}/${pad8(generation)}.wal`;
}

/** The generation of a session file name like `00000003.wal`, or null. */
export function parseGenerationName(name: string): number | null {
  return parseSegmentName(name);
}

/** Random id for writers and sessions: 16 base-36 chars from crypto.getRandomValues. */
export function randomId(): string {
  const bytes = new Uint8Array(10);
  crypto.getRandomValues(bytes);
  let out = '';
  for (const b of bytes) out += (b % 36).toString(36);
  return out + Date.now().toString(36).slice(-6);
}
