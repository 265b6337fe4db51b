/**
 * Seeded generator of realistic WAL record streams, shared by tests and the codec bench.
 *
 * Shape: several sessions recorded in interleaved fashion (as two tabs would), each opened by a
 * SESSION_START; per utterance a run of PARTIALs whose text grows word by word (with the occasional
 * revision of the last word, as recognisers do) up to 40–300 UTF-8 bytes, then a FINAL; a CHECKPOINT
 * every few finals; a SESSION_STOP at the end. Some words are non-ASCII or emoji.
 */
import type { WalRecord } from '../../src/core/records.ts';

/** Small fast seeded PRNG (Tommy Ettinger's mulberry32): returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SampleOptions {
  seed: number;
  /** Number of sessions (default 3). */
  sessions?: number;
  /** Utterances per session (default 20). */
  utterances?: number;
  /** Average partials per utterance before its final (default 8). */
  partialsPerUtterance?: number;
}

const WORDS = (
  'the a to and of in that it is we you for this on with so but be have not are at was like just ' +
  'think know going really right about there what would can people one all get time yeah well ' +
  'meeting project budget quarter review schedule design release customer feedback question ' +
  'tomorrow morning afternoon number important together decision next week because maybe actually'
).split(' ');
const RARE_WORDS = [
  'café',
  'naïve',
  'Grüße',
  'señor',
  'привет',
  '日本語',
  'São Paulo',
  '😀',
  '👍🏽',
  '🎉',
  'Zoë',
];
const SOURCES = ['microphone', 'demo', 'import'];
const LANGS = ['en-US', 'en-GB', 'de-DE', ''];
const START_EPOCH_MS = 1_763_900_000_000;

const utf8 = new TextEncoder();
const byteLength = (text: string): number => utf8.encode(text).length;

function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)];
}

function nextWord(rand: () => number): string {
  return rand() < 0.06 ? pick(rand, RARE_WORDS) : pick(rand, WORDS);
}

/** The utterance's final text, 40–300 UTF-8 bytes, as a list of words. */
function utteranceWords(rand: () => number): string[] {
  const targetBytes = 40 + Math.floor(rand() * 261);
  const words: string[] = [];
  let bytes = 0;
  while (true) {
    const word = nextWord(rand);
    const added = byteLength(word) + (words.length > 0 ? 1 : 0);
    if (bytes + added > targetBytes && bytes >= 40) break;
    words.push(word);
    bytes += added;
  }
  return words;
}

interface SessionState {
  id: string;
  seq: number;
  clock: number;
  startedAt: number;
  utterance: number;
  finals: number;
}

export function sampleRecords(opts: SampleOptions): WalRecord[] {
  const rand = mulberry32(opts.seed);
  const sessionCount = opts.sessions ?? 3;
  const utterances = opts.utterances ?? 20;
  const partialsPerUtterance = opts.partialsPerUtterance ?? 8;
  const records: WalRecord[] = [];

  const sessions: SessionState[] = [];
  for (let s = 0; s < sessionCount; s++) {
    const startedAt = START_EPOCH_MS + Math.floor(rand() * 86_400_000);
    const id = `s-${startedAt.toString(36)}-${Math.floor(rand() * 36 ** 4).toString(36)}`;
    sessions.push({ id, seq: 0, clock: startedAt, startedAt, utterance: 0, finals: 0 });
    records.push({
      type: 'session-start',
      sessionId: id,
      seq: 0,
      at: startedAt,
      title: `Meeting ${s + 1} ${pick(rand, RARE_WORDS)}`,
      source: pick(rand, SOURCES),
      lang: pick(rand, LANGS),
    });
  }

  for (let u = 0; u < utterances; u++) {
    for (const session of sessions) {
      const words = utteranceWords(rand);
      const startMs = session.clock - session.startedAt;
      // Partials arrive as the recogniser hears more words: spread ~partialsPerUtterance of them over the words.
      const partialCount = Math.max(1, Math.round(partialsPerUtterance * (0.5 + rand())));
      for (let p = 1; p <= partialCount; p++) {
        const shown = Math.max(1, Math.round((words.length * p) / (partialCount + 1)));
        const heard = words.slice(0, shown);
        // Recognisers often revise their last guess: sometimes the tail word is a different one.
        if (rand() < 0.2) heard[heard.length - 1] = nextWord(rand);
        session.clock += 80 + Math.floor(rand() * 250);
        records.push({
          type: 'partial',
          sessionId: session.id,
          seq: ++session.seq,
          at: session.clock,
          utterance: session.utterance,
          startMs,
          text: heard.join(' '),
        });
      }
      session.clock += 100 + Math.floor(rand() * 400);
      records.push({
        type: 'final',
        sessionId: session.id,
        seq: ++session.seq,
        at: session.clock,
        utterance: session.utterance,
        startMs,
        endMs: session.clock - session.startedAt,
        text: words.join(' '),
        confidence: rand() < 0.1 ? null : Math.round(600 + rand() * 400) / 1000,
      });
      session.utterance++;
      session.finals++;
      if (session.finals % 5 === 0) {
        records.push({
          type: 'checkpoint',
          sessionId: session.id,
          seq: ++session.seq,
          at: session.clock,
          upToSeq: session.seq - 1,
          finals: session.finals,
        });
      }
    }
  }

  for (const session of sessions) {
    session.clock += 200;
    records.push({
      type: 'session-stop',
      sessionId: session.id,
      seq: ++session.seq,
      at: session.clock,
      reason: 'user',
    });
  }
  return records;
}
