/** A long session as an export file (the app's import format), for tests of long transcripts. */
import type { ExportFile } from '../../src/shared/persistence-client.ts';

const WORDS = (
  'the quarterly numbers look good and we should ship the new onboarding flow before the holiday ' +
  'freeze but marketing needs another week to finish the launch copy so let us revisit the timeline'
).split(' ');

/**
 * One session of `count` utterances in time order, each naming its number ("Utterance 17: …") so a
 * test can find any line. (No `uncertain` marks: import stores every utterance as a final.)
 */
export function longSessionExport(count: number, id = 'long-session', title = 'Long session'): ExportFile {
  const startedAt = Date.UTC(2026, 10, 20, 8, 0, 0);
  let at = 0;
  const utterances = Array.from({ length: count }, (_, i) => {
    const words = Array.from({ length: 5 + (i % 13) }, (_, w) => WORDS[(i * 7 + w * 3) % WORDS.length]);
    const durationMs = 280 * words.length;
    const u = {
      index: i,
      text: `Utterance ${i + 1}: ${words.join(' ')}.`,
      startMs: at,
      endMs: at + durationMs,
      confidence: null,
    };
    at += durationMs + 120;
    return u;
  });
  return {
    format: 'scribe-vault-export',
    version: 1,
    exportedAt: startedAt + at,
    sessions: [
      { id, title, source: 'demo', lang: 'en-US', startedAt, stoppedAt: startedAt + at, utterances },
    ],
  };
}
