/**
 * Utterances as they cross from the persistence worker to the window: one string with every text
 * and a few typed arrays instead of an object per utterance. Structured clone of 37,000 utterance
 * objects (an 8-hour session) costs the main thread tens of ms of deserialisation plus GC — a long
 * task — while one string and transferred buffers arrive almost for free; rebuilding the objects in a
 * tight loop is several times cheaper than the deserialiser doing it.
 */
import type { SessionTranscript, Utterance } from './persistence-api.ts';
import type { ExportFile } from './persistence-client.ts';

export interface PackedUtterances {
  count: number;
  /** Every text, concatenated. */
  texts: string;
  /** Length of each text in UTF-16 code units (so lone surrogates survive exactly). */
  textLengths: Uint32Array;
  /** Per utterance: index, startMs, endMs, confidence (NaN for null). */
  numbers: Float64Array;
  /** 1 where the utterance is `uncertain`. */
  uncertain: Uint8Array;
}

const FIELDS = 4;

export function packUtterances(utterances: readonly Utterance[]): PackedUtterances {
  const count = utterances.length;
  const textLengths = new Uint32Array(count);
  const numbers = new Float64Array(count * FIELDS);
  const uncertain = new Uint8Array(count);
  const texts: string[] = new Array<string>(count);
  for (let i = 0; i < count; i++) {
    const u = utterances[i]!;
    texts[i] = u.text;
    textLengths[i] = u.text.length;
    numbers[i * FIELDS] = u.index;
    numbers[i * FIELDS + 1] = u.startMs;
    numbers[i * FIELDS + 2] = u.endMs;
    numbers[i * FIELDS + 3] = u.confidence ?? Number.NaN;
    if (u.uncertain) uncertain[i] = 1;
  }
  return { count, texts: texts.join(''), textLengths, numbers, uncertain };
}

/** The utterances `packUtterances` was given: same fields, same key order, `uncertain` only when true. */
export function unpackUtterances(packed: PackedUtterances): Utterance[] {
  const { count, texts, textLengths, numbers, uncertain } = packed;
  const out = new Array<Utterance>(count);
  let pos = 0;
  for (let i = 0; i < count; i++) {
    const end = pos + textLengths[i]!;
    const confidence = numbers[i * FIELDS + 3]!;
    const u: Utterance = {
      index: numbers[i * FIELDS]!,
      text: texts.slice(pos, end),
      startMs: numbers[i * FIELDS + 1]!,
      endMs: numbers[i * FIELDS + 2]!,
      confidence: Number.isNaN(confidence) ? null : confidence,
    };
    if (uncertain[i] === 1) u.uncertain = true;
    out[i] = u;
    pos = end;
  }
  return out;
}

/** The buffers to transfer (not copy) with a packed value. */
export function packedBuffers(packed: PackedUtterances): ArrayBuffer[] {
  return [
    packed.textLengths.buffer as ArrayBuffer,
    packed.numbers.buffer as ArrayBuffer,
    packed.uncertain.buffer as ArrayBuffer,
  ];
}

/** A transcript as the worker sends it. */
export interface PackedTranscript {
  meta: SessionTranscript['meta'];
  utterances: PackedUtterances;
}

/** An export as the worker sends it: each session's utterances packed. */
export type PackedExportFile = Omit<ExportFile, 'sessions'> & {
  sessions: Array<Omit<ExportFile['sessions'][number], 'utterances'> & { utterances: PackedUtterances }>;
};

export function packTranscript(t: SessionTranscript): PackedTranscript {
  return { meta: t.meta, utterances: packUtterances(t.utterances) };
}

export function unpackTranscript(p: PackedTranscript): SessionTranscript {
  return { meta: p.meta, utterances: unpackUtterances(p.utterances) };
}

export function packExportFile(file: ExportFile): PackedExportFile {
  return {
    ...file,
    sessions: file.sessions.map((s) => ({ ...s, utterances: packUtterances(s.utterances) })),
  };
}

export function unpackExportFile(file: PackedExportFile): ExportFile {
  return {
    ...file,
    sessions: file.sessions.map((s) => ({ ...s, utterances: unpackUtterances(s.utterances) })),
  };
}
