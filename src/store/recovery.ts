/**
 * Start-up recovery of one dead writer's folder (wal/<writerId>/ + ring/<writerId>.ring), run while
 * holding that writer's Web Lock so no other tab recovers it at the same time.
 *
 * For each session found in those files: its session file (last checkpoint) is the base, the WAL and
 * ring records after it are merged in seq order (the fold ignores duplicates by seq), and the result
 * is written back as a new session-file generation. A session that had not been stopped gets a
 * SESSION_STOP 'recovered' and the index status `recovered`; its trailing partials stay as
 * `uncertain` utterances. Only when every affected session is safely in its session file are the
 * dead writer's segments and ring file removed, so a crash during recovery just repeats it.
 */
import { readSegmentLazyText } from '../core/framing.ts';
import type { WalRecord } from '../core/records.ts';
import { foldRecords, type FoldedSession } from '../core/recovery-fold.ts';
import type { RecoveryReport, SessionMeta } from '../shared/persistence-api.ts';
import { sessionRecords } from './session-state.ts';
import { parseSegmentName, ringPath, segmentPath, writerDir } from './paths.ts';
import { readSessionFile, shredSessionFiles, writeSessionFile } from './session-files.ts';
import { shredFile } from './shred.ts';
import type { FileStore, MetaStore } from './types.ts';

export interface RecoverySink {
  files: FileStore;
  meta: MetaStore;
  now(): number;
  report: RecoveryReport;
}

/** Reads every record of a dead writer's segments and ring file, reporting damaged ranges. */
async function readWriterRecords(sink: RecoverySink, writerId: string): Promise<WalRecord[]> {
  const { files, report } = sink;
  const numbers = (await files.list(writerDir(writerId)))
    .map((e) => (e.kind === 'file' ? parseSegmentName(e.name) : null))
    .filter((n): n is number => n !== null)
    .sort((a, b) => a - b);
  const paths = numbers.map((n) => segmentPath(writerId, n));
  paths.push(ringPath(writerId));
  const records: WalRecord[] = [];
  for (const path of paths) {
    const bytes = await files.read(path);
    if (!bytes) continue;
    const isRing = path.endsWith('.ring');
    if (!isRing) report.segmentsRead++;
    report.bytesRead += bytes.length;
    // Partial texts are decoded only for the partials the fold keeps (the latest of each utterance).
    const result = readSegmentLazyText(bytes);
    for (const r of result.records) records.push(r.record);
    for (const s of result.skipped) {
      // A zero-filled or cut-off tail is the normal end of a segment that was being appended to.
      if (s.reason === 'torn-tail' && isZeroOrShort(bytes, s.offset, s.length)) continue;
      report.skipped.push({ file: path, offset: s.offset, length: s.length, reason: s.reason });
    }
  }
  return records;
}

/** True for a torn tail that is all zeros (preallocated or never written): nothing was lost there. */
function isZeroOrShort(bytes: Uint8Array, offset: number, length: number): boolean {
  for (let i = offset; i < offset + length; i++) if (bytes[i] !== 0) return false;
  return true;
}

function metaFor(
  folded: FoldedSession,
  existing: SessionMeta | undefined,
  bytes: number,
  recovered: boolean,
): SessionMeta {
  const stoppedAt = folded.stoppedAt ?? folded.updatedAt;
  return {
    id: folded.id,
    title: existing?.title ?? (folded.title || 'Untitled session'),
    source: folded.source || existing?.source || '',
    lang: folded.lang || existing?.lang || '',
    status: recovered
      ? 'recovered'
      : existing?.status === 'imported'
        ? 'imported'
        : existing?.status === 'recovered'
          ? 'recovered'
          : 'stopped',
    startedAt: folded.startedAt,
    updatedAt: folded.updatedAt,
    stoppedAt,
    durationMs: Math.max(0, stoppedAt - folded.startedAt),
    finals: folded.finals.length,
    bytes,
    writerId: null,
    hasUncertain: folded.pending.length > 0,
  };
}

/** Rebuilds every session of a dead writer into session files, then removes the writer's files. */
export async function recoverWriter(sink: RecoverySink, writerId: string): Promise<void> {
  const { files, meta, report } = sink;
  const records = await readWriterRecords(sink, writerId);
  const bySession = new Map<string, WalRecord[]>();
  const deleted = new Set<string>();
  for (const r of records) {
    if (r.type === 'session-delete') deleted.add(r.sessionId);
    // WAL checkpoints only tell the live writer what may be deleted; the session file carries its own.
    if (r.type === 'checkpoint') continue;
    const list = bySession.get(r.sessionId) ?? [];
    list.push(r);
    bySession.set(r.sessionId, list);
  }

  for (const id of deleted) {
    // The deletion may have been interrupted: finish it (the deleting tab already audited it).
    bySession.delete(id);
    await shredSessionFiles(files, id);
    await meta.deleteSession(id);
  }

  for (const [id, walRecords] of bySession) {
    const base = await readSessionFile(files, id);
    for (const s of base?.skipped ?? []) {
      report.skipped.push({ file: base!.path, offset: s.offset, length: s.length, reason: s.reason });
    }
    const baseLastSeq = base ? base.checkpointSeq : -1;
    const newer = dedupeBySeq(walRecords.filter((r) => r.seq > baseLastSeq));
    if (base && newer.length === 0) continue; // already fully checkpointed
    const folded = foldRecords([...(base?.records ?? []), ...newer]).sessions.get(id);
    if (!folded) continue;
    const interrupted = folded.status === 'interrupted';
    const stopRecords: WalRecord[] = interrupted
      ? [
          {
            type: 'session-stop',
            sessionId: id,
            seq: folded.lastSeq + 1,
            at: folded.updatedAt,
            reason: 'recovered',
          },
        ]
      : [];
    const final = interrupted ? foldRecords(stopRecords, [folded]).sessions.get(id)! : folded;
    const existing = await meta.getSession(id);
    const written = await writeSessionFile(files, id, sessionRecords(final));
    const row = metaFor(final, existing, written.bytes, interrupted);
    await meta.putSession(row);
    await meta.appendAudit({
      at: sink.now(),
      action: 'recovered',
      sessionId: id,
      outcome: 'ok',
      counts: { finals: final.finals.length, uncertain: final.pending.length, records: newer.length },
    });
    report.recovered.push({ id, title: row.title, finals: final.finals.length, uncertain: row.hasUncertain });
  }

  // Everything is in session files now: the dead writer's files go (zero-filled first when they hold a deleted session's text).
  if (deleted.size > 0) {
    for (const e of await files.list(writerDir(writerId))) {
      if (e.kind === 'file') await shredFile(files, `${writerDir(writerId)}/${e.name}`);
    }
    await shredFile(files, ringPath(writerId));
  }
  await files.remove(writerDir(writerId));
  await files.remove(ringPath(writerId));
}

/** Records sorted by seq with repeated seqs dropped (segments + ring may both hold a record). */
export function dedupeBySeq(records: WalRecord[]): WalRecord[] {
  const sorted = records.map((r, i) => ({ r, i })).sort((a, b) => a.r.seq - b.r.seq || a.i - b.i);
  const out: WalRecord[] = [];
  let last = -Infinity;
  for (const { r } of sorted) {
    if (r.seq === last) continue;
    out.push(r);
    last = r.seq;
  }
  return out;
}
