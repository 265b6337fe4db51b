/**
 * One writer's WAL: its numbered segments under wal/<writerId>/, the open segment's SegmentWriter,
 * and which sessions (up to which seq) each segment holds — what decides when a segment may be
 * deleted (all its sessions checkpointed past it) and which segments a privacy deletion rewrites.
 */
import type { ByteFile } from '../core/byte-file.ts';
import { encodeFrames, readSegment } from '../core/framing.ts';
import type { WalRecord } from '../core/records.ts';
import { SegmentWriter } from '../core/segment-writer.ts';
import { segmentPath, writerDir } from './paths.ts';
import { shredFile } from './shred.ts';
import type { FileStore } from './types.ts';

export interface SegmentInfo {
  no: number;
  path: string;
  openedAt: number;
  /** Highest seq of each session's records in this segment (CHECKPOINT records excluded). */
  maxSeq: Map<string, number>;
  /** Sessions whose SESSION_DELETE tombstone this segment holds (see retireTombstone). */
  tombstones: Set<string>;
}

export class SegmentLog {
  private file: ByteFile;
  private writer: SegmentWriter;
  private nextNo: number;
  current: SegmentInfo;
  readonly closed: SegmentInfo[] = [];

  private constructor(
    private readonly files: FileStore,
    readonly writerId: string,
    file: ByteFile,
    current: SegmentInfo,
  ) {
    this.file = file;
    this.writer = new SegmentWriter(file, 0);
    this.current = current;
    this.nextNo = current.no + 1;
  }

  static async open(files: FileStore, writerId: string, now: number): Promise<SegmentLog> {
    const path = segmentPath(writerId, 1);
    const file = await files.open(path);
    return new SegmentLog(files, writerId, file, {
      no: 1,
      path,
      openedAt: now,
      maxSeq: new Map(),
      tombstones: new Set(),
    });
  }

  get dir(): string {
    return writerDir(this.writerId);
  }

  get size(): number {
    return this.writer.size;
  }

  /**
   * One write() of the record's frame (a PARTIAL_DELTA when it extends its utterance's previous partial
   * in this segment). Throws (e.g. QuotaExceededError) without leaving a torn frame.
   */
  append(record: WalRecord): void {
    this.writer.append(record);
    if (record.type === 'session-delete') this.current.tombstones.add(record.sessionId);
    if (record.type !== 'checkpoint') {
      const prev = this.current.maxSeq.get(record.sessionId) ?? -1;
      if (record.seq > prev) this.current.maxSeq.set(record.sessionId, record.seq);
    }
  }

  flush(): void {
    this.writer.flush();
  }

  /** Closes the open segment (flushed) and opens the next one. */
  async rotate(now: number): Promise<SegmentInfo> {
    const no = this.nextNo++;
    const path = segmentPath(this.writerId, no);
    const file = await this.files.open(path);
    this.writer.close();
    this.closed.push(this.current);
    const finished = this.current;
    this.file = file;
    this.writer = new SegmentWriter(file, 0);
    this.current = { no, path, openedAt: now, maxSeq: new Map(), tombstones: new Set() };
    return finished;
  }

  /** Deletes closed segments all of whose sessions are covered (checkpointed past them, or gone). */
  async deleteCovered(isCovered: (sessionId: string, maxSeq: number) => boolean): Promise<number> {
    let deleted = 0;
    for (const seg of [...this.closed]) {
      if ([...seg.maxSeq].every(([id, seq]) => isCovered(id, seq))) {
        await this.files.remove(seg.path);
        this.closed.splice(this.closed.indexOf(seg), 1);
        deleted++;
      }
    }
    return deleted;
  }

  /** Bytes of the open segment (read through our own handle: OPFS will not read a file another handle holds). */
  currentBytes(): Uint8Array {
    return this.file.read(0, this.writer.size);
  }

  /**
   * Privacy deletion: every segment holding `sessionId`'s records is replaced by a compacted copy
   * without them (a new segment number; recovery orders records by seq, not by file), and the old
   * file is zero-filled and removed. For the open segment the writer switches to the copy first.
   * Returns the number of segments rewritten.
   */
  async purge(sessionId: string): Promise<number> {
    return this.rewriteSegments(
      (seg) => seg.maxSeq.has(sessionId),
      (r) => r.sessionId !== sessionId || r.type === 'session-delete',
      true,
    );
  }

  /** True when a segment still holds `sessionId`'s SESSION_DELETE. */
  hasTombstone(sessionId: string): boolean {
    return this.allSegments().some((seg) => seg.tombstones.has(sessionId));
  }

  /**
   * Removes `sessionId`'s SESSION_DELETE from every segment once the deletion is complete. The
   * tombstone only exists so that recovery can finish a deletion interrupted by a crash; left in
   * place, recovery of this folder would also erase a session written later under the same id (an
   * export imported back). Segments are replaced by copies without it; the old files hold no text of
   * the deleted session any more (purge removed it), so they are removed without zero-filling.
   */
  async retireTombstone(sessionId: string): Promise<number> {
    return this.rewriteSegments(
      (seg) => seg.tombstones.has(sessionId),
      (r) => !(r.type === 'session-delete' && r.sessionId === sessionId),
      false,
    );
  }

  /**
   * Replaces every segment `affected` selects by a copy holding only the records `keep` accepts
   * (a new segment number; recovery orders records by seq, not by file). For the open segment the
   * writer switches to the copy first. `shred`: the old file is zero-filled before removal.
   */
  private async rewriteSegments(
    affected: (seg: SegmentInfo) => boolean,
    keep: (record: WalRecord) => boolean,
    shred: boolean,
  ): Promise<number> {
    let rewritten = 0;
    for (const seg of [...this.closed]) {
      if (!affected(seg)) continue;
      const bytes = (await this.files.read(seg.path)) ?? new Uint8Array(0);
      const copy = await this.writeCopy(bytes, keep);
      copy.file.close();
      const info: SegmentInfo = { ...seg, no: copy.no, path: copy.path, ...copy.held };
      this.closed.splice(this.closed.indexOf(seg), 1, info);
      if (shred) await shredFile(this.files, seg.path);
      else await this.files.remove(seg.path);
      rewritten++;
    }
    if (affected(this.current)) {
      const old = { file: this.file, info: this.current };
      const copy = await this.writeCopy(this.currentBytes(), keep);
      this.file = copy.file;
      this.writer = new SegmentWriter(copy.file);
      this.current = { no: copy.no, path: copy.path, openedAt: old.info.openedAt, ...copy.held };
      if (shred) shredOpenFile(old.file);
      else old.file.close();
      await this.files.remove(old.info.path);
      rewritten++;
    }
    return rewritten;
  }

  private async writeCopy(
    bytes: Uint8Array,
    keep: (record: WalRecord) => boolean,
  ): Promise<{
    file: ByteFile;
    no: number;
    path: string;
    held: Pick<SegmentInfo, 'maxSeq' | 'tombstones'>;
  }> {
    const kept = readSegment(bytes)
      .records.map((r) => r.record)
      .filter(keep);
    const held: Pick<SegmentInfo, 'maxSeq' | 'tombstones'> = { maxSeq: new Map(), tombstones: new Set() };
    for (const r of kept) {
      if (r.type === 'session-delete') held.tombstones.add(r.sessionId);
      if (r.type === 'checkpoint' || r.type === 'session-delete') continue;
      held.maxSeq.set(r.sessionId, Math.max(r.seq, held.maxSeq.get(r.sessionId) ?? -1));
    }
    const no = this.nextNo++;
    const path = segmentPath(this.writerId, no);
    const file = await this.files.open(path);
    try {
      const frames = encodeFrames(kept);
      file.truncate(0);
      if (frames.length > 0) file.write(0, frames);
      file.flush();
    } catch (error) {
      file.close();
      await this.files.remove(path).catch(() => undefined);
      throw error;
    }
    return { file, no, path, held };
  }

  /** Closes the open segment (flushed). */
  close(): void {
    this.writer.close();
  }

  allSegments(): SegmentInfo[] {
    return [...this.closed, this.current];
  }
}

/** Zero-fills, flushes, truncates and closes a file we hold open. */
export function shredOpenFile(file: ByteFile): void {
  try {
    const size = file.size();
    if (size > 0) file.write(0, new Uint8Array(size));
    file.flush();
    file.truncate(0);
    file.flush();
  } finally {
    file.close();
  }
}
