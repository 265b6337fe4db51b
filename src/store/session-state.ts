/** Conversions between folded sessions, their compacted records, index rows and transcripts. */
import { sessionToRecords } from '../core/compact.ts';
import type { WalRecord } from '../core/records.ts';
import { utterancesOf, type FoldedSession } from '../core/recovery-fold.ts';
import type { SessionMeta, SessionTranscript } from '../shared/persistence-api.ts';

/** The compacted records that rebuild `folded` (what a session file holds before its CHECKPOINT). */
export function sessionRecords(folded: FoldedSession): WalRecord[] {
  return sessionToRecords(folded);
}

export function transcriptOf(meta: SessionMeta, folded: FoldedSession | undefined): SessionTranscript {
  const utterances = folded
    ? utterancesOf(folded).map((u) => {
        const out: SessionTranscript['utterances'][number] = {
          index: u.index,
          text: u.text,
          startMs: u.startMs,
          endMs: u.endMs,
          confidence: u.confidence,
        };
        if (u.uncertain) out.uncertain = true;
        return out;
      })
    : [];
  return { meta, utterances };
}

/** Plain text of a session for search (titles are matched separately). */
export function searchTextOf(folded: FoldedSession): string {
  return utterancesOf(folded)
    .map((u) => u.text)
    .join('\n')
    .toLowerCase();
}
