/**
 * The live transcript as the UI shows it: finals in order plus the partials still open. A partial
 * replaces the previous partial of the same utterance; the final replaces both. Pure and immutable
 * so Preact re-renders from a new value.
 */
import type { FinalEvent, PartialEvent } from '../sources/source.ts';

export interface LiveLine {
  utterance: number;
  startMs: number;
  endMs: number | null;
  text: string;
  partial: boolean;
}

export interface LiveTranscript {
  /** Lines ordered by utterance number. */
  lines: LiveLine[];
  finals: number;
  partials: number;
}

export const EMPTY_TRANSCRIPT: LiveTranscript = { lines: [], finals: 0, partials: 0 };

export function applySpeech(state: LiveTranscript, event: PartialEvent | FinalEvent): LiveTranscript {
  const line: LiveLine =
    event.type === 'final'
      ? {
          utterance: event.utterance,
          startMs: event.startMs,
          endMs: event.endMs,
          text: event.text,
          partial: false,
        }
      : { utterance: event.utterance, startMs: event.startMs, endMs: null, text: event.text, partial: true };
  const lines = state.lines.slice();
  // Search from the end: updates almost always concern the newest utterance.
  let i = lines.length - 1;
  while (i >= 0 && lines[i]!.utterance > line.utterance) i--;
  const existing = i >= 0 && lines[i]!.utterance === line.utterance ? lines[i]! : null;
  if (existing && !existing.partial && line.partial) return state; // a late partial never undoes a final
  if (existing) lines[i] = line;
  else lines.splice(i + 1, 0, line);
  return {
    lines,
    finals: state.finals + (event.type === 'final' && (!existing || existing.partial) ? 1 : 0),
    partials: state.partials + (event.type === 'partial' ? 1 : 0),
  };
}
