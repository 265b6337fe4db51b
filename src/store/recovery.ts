/**
 * Start-up recovery of one dead writer's folder (wal/<writerId>/ + ring/<writerId>.ring), run while
 * holding that writer's Web Lock so no other tab recovers it at the same time.
 *
 * For each session found in those files: its session file (last checkpoint) is the base, the WAL and
 * ring records after it are merged in seq order, each seq once (wal-replay.ts), and the result
 * is written back as a new session-file generation. A session that had not been stopped gets a
 * SESSION_STOP 'recovered' and the index status `recovered`; its trailing partials stay as
 * `uncertain` utterances. Only when every affected session is safely in its session file are the
 * dead writer's segments and ring file removed, so a crash during recovery just repeats it.
 */
import type { WalRecord } from '../core/records.ts';
import { foldRecords, type FoldedSession } from '../core/recovery-fold.ts';
import type { RecoveryReport, SessionMeta } from '../shared/persistence-api.ts';
import { sessionRecords } from './session-state.ts';
import { parseSegmentName, ringPath, segmentPath, writerDir } from './paths.ts';
import { readSessionFile, shredSessionFiles, writeSessionFile } from './session-files.ts';
import { shredFile } from './shred.ts';
import type { FileStore, MetaStore } from './types.ts';
import { replayWal, type WalFileBytes } from './wal-replay.ts';

export interface RecoverySink {
  files: FileStore;
  meta: MetaStore;
  now(): number;
  report: RecoveryReport;
}

/** A dead writer's segments in order, then its ring file: the files recovery replays. */
async function readWriterFiles(sink: RecoverySink, writerId: string): Promise<WalFileBytes[]> {
  const { files, report } = sink;
  const numbers = (await files.list(writerDir(writerId)))
    .map((e) => (e.kind === 'file' ? parseSegmentName(e.name) : null))
    .filter((n): n is number => n !== null)
    .sort((a, b) => a - b);
  const paths = numbers.map((n) => segmentPath(writerId, n));
  paths.push(ringPath(writerId));
  const out: WalFileBytes[] = [];
  for (const path of paths) {
    const bytes = await files.read(path);
    if (!bytes) continue;
    if (!path.endsWith('.ring')) report.segmentsRead++;
    report.bytesRead += bytes.length;
    out.push({ path, bytes });
  }
  return out;
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
  const replay = await replayWal(await readWriterFiles(sink, writerId), (id) => readSessionFile(files, id));
  for (const s of replay.skipped) report.skipped.push(s);

  for (const id of replay.deleted) {
    // The deletion may have been interrupted: finish it (the deleting tab already audited it).
    await shredSessionFiles(files, id);
    await meta.deleteSession(id);
  }

  for (const { id, base, folded, newer } of replay.sessions) {
    for (const s of base?.skipped ?? []) {
      report.skipped.push({ file: base!.path, offset: s.offset, length: s.length, reason: s.reason });
    }
    if (base && newer === 0) continue; // already fully checkpointed
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
      counts: { finals: final.finals.length, uncertain: final.pending.length, records: newer },
    });
    report.recovered.push({ id, title: row.title, finals: final.finals.length, uncertain: row.hasUncertain });
  }

  // Everything is in session files now: the dead writer's files go (zero-filled first when they hold a deleted session's text).
  if (replay.deleted.length > 0) {
    for (const e of await files.list(writerDir(writerId))) {
      if (e.kind === 'file') await shredFile(files, `${writerDir(writerId)}/${e.name}`);
    }
    await shredFile(files, ringPath(writerId));
  }
  await files.remove(writerDir(writerId));
  await files.remove(ringPath(writerId));
}
