/**
 * The bench workload: the realistic transcription stream of tests/helpers/sample-records.ts (partials
 * of growing utterances, 40–300 UTF-8 bytes, ~8 partials per final), one session, cut to an exact
 * record count. CHECKPOINT records are dropped: they are the WAL's own bookkeeping, not something
 * the UI hands to a store, so peers would have no reason to write them. Deterministic from the seed,
 * so every contender and every round stores identical records.
 */
import type { WalRecord } from '../../src/core/records.ts';
import { sampleRecords } from '../../tests/helpers/sample-records.ts';

/** Live speech rate the latency runs replay at (partials per second), DESIGN.md §5. */
export const LIVE_PARTIALS_PER_SECOND = 20;

/** Exactly `count` records (≥ 2) of one session: SESSION_START, partials and finals, SESSION_STOP. */
export function benchStream(seed: number, count: number): WalRecord[] {
  const want = Math.max(2, count);
  // ~9 records per utterance (8 partials + 1 final); ask for a margin and cut.
  const generated = sampleRecords({ seed, sessions: 1, utterances: Math.ceil(want / 8) + 2 }).filter(
    (r) => r.type !== 'checkpoint',
  );
  const body = generated.slice(0, want - 1);
  const last = body[body.length - 1]!;
  body.push({
    type: 'session-stop',
    sessionId: last.sessionId,
    seq: last.seq + 1,
    at: last.at + 200,
    reason: 'user',
  });
  return body;
}

/** Records in one hour of live transcription at the given partial rate, with this stream's final ratio. */
export function recordsPerHour(
  stream: readonly WalRecord[],
  partialsPerSecond = LIVE_PARTIALS_PER_SECOND,
): number {
  const partials = stream.filter((r) => r.type === 'partial').length;
  return Math.round(((partialsPerSecond * 3600) / Math.max(1, partials)) * stream.length);
}
