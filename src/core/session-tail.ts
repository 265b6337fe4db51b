/**
 * What the writer keeps in memory of a session it is recording: only what its session file does not
 * hold yet. Everything up to the last checkpoint is in the file; the tail holds the records since
 * then that still matter (SESSION_START until the first checkpoint, each utterance's latest FINAL,
 * the latest PARTIAL of each open utterance, SESSION_STOP). So an 8-hour session costs the writer
 * the same memory as a 2-minute one: checkpoints come at least as often as the ring buffer fills
 * (the engine checkpoints on ring overflow), and each one empties the tail of its finals.
 *
 * The tail follows RecoveryFold's rules for what supersedes what (a final ends its utterance's
 * partials, a later final corrects an earlier one, a partial after its utterance's final is stale),
 * so folding the session file followed by recordsSince(checkpointSeq) gives the live session.
 */
import type {
  CheckpointRecord,
  FinalRecord,
  PartialRecord,
  SessionStartRecord,
  SessionStopRecord,
  WalRecord,
} from './records.ts';

export class SessionTail {
  private start: SessionStartRecord | null = null;
  /** Latest final per utterance, for finals since the last checkpoint only. */
  private readonly finals = new Map<number, FinalRecord>();
  /** Latest partial per utterance that has no final: open utterances, whatever their age. */
  private readonly open = new Map<number, PartialRecord>();
  /**
   * Utterances that have a final, to ignore stale partials after it as the fold does. One small
   * integer per utterance (tens of thousands in 8 hours: well under a megabyte), not their text.
   */
  private readonly finalized = new Set<number>();
  private stop: SessionStopRecord | null = null;
  /** Greatest seq of the records in the session file (-1: no file yet). */
  private checkpointSeq = -1;

  /** Applies one record of this session; the caller has already dropped duplicates (seq ≤ lastSeq). */
  apply(record: WalRecord): void {
    switch (record.type) {
      case 'session-start':
        this.start = record;
        break;
      case 'partial':
        if (!this.finalized.has(record.utterance)) this.open.set(record.utterance, record);
        break;
      case 'final':
        this.finals.set(record.utterance, record);
        this.finalized.add(record.utterance);
        this.open.delete(record.utterance);
        break;
      case 'session-stop':
        this.stop = record;
        break;
      case 'checkpoint':
      case 'session-delete':
        break; // written by the engine about the session, not part of its content
    }
  }

  /** Open utterances (their latest partial is the best text there is: `uncertain` if the session ended). */
  get openCount(): number {
    return this.open.size;
  }

  /** Finals held in memory (those since the last checkpoint). */
  get heldFinals(): number {
    return this.finals.size;
  }

  /**
   * The records after `seq` that rebuild the session's state on top of a file holding it up to
   * `seq`, in seq order (RecoveryFold applies a record only if its seq is above the last one).
   */
  recordsSince(seq: number): WalRecord[] {
    const out: WalRecord[] = [];
    if (this.start && this.start.seq > seq) out.push(this.start);
    for (const f of this.finals.values()) if (f.seq > seq) out.push(f);
    for (const p of this.open.values()) if (p.seq > seq) out.push(p);
    if (this.stop && this.stop.seq > seq) out.push(this.stop);
    return out.sort((a, b) => a.seq - b.seq);
  }

  /**
   * What to append to the session file to make it durable up to `lastSeq`: the records since the
   * last checkpoint and a closing CHECKPOINT (seq = upToSeq = lastSeq, at = the session's updatedAt
   * so the file folds to the same updatedAt). Call markCheckpointed(lastSeq) once they are flushed.
   */
  checkpointChunk(sessionId: string, lastSeq: number, updatedAt: number, finals: number): WalRecord[] {
    const chunk = this.recordsSince(this.checkpointSeq);
    const checkpoint: CheckpointRecord = {
      type: 'checkpoint',
      sessionId,
      seq: lastSeq,
      at: updatedAt,
      upToSeq: lastSeq,
      finals,
    };
    chunk.push(checkpoint);
    return chunk;
  }

  /** The file now holds everything up to `lastSeq`: finals and the start leave memory. */
  markCheckpointed(lastSeq: number): void {
    this.checkpointSeq = lastSeq;
    this.finals.clear();
    this.start = null;
  }
}
