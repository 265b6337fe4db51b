import { describe, expect, it } from 'vitest';
import type { Utterance } from '../src/shared/persistence-api.ts';
import type { ExportFile } from '../src/shared/persistence-client.ts';
import {
  packExportFile,
  packUtterances,
  packedBuffers,
  unpackExportFile,
  unpackUtterances,
} from '../src/shared/utterance-wire.ts';
import { mulberry32 } from './helpers/sample-records.ts';

const TEXTS = [
  'Hello there.',
  '',
  'émoji 🎙️ and 日本語',
  'lone \ud800 surrogate',
  'tab\tand\nnewline',
  '"quoted"',
];

function utterances(n: number, seed: number): Utterance[] {
  const rand = mulberry32(seed);
  return Array.from({ length: n }, (_, i) => {
    const u: Utterance = {
      index: i * 2 + (rand() < 0.1 ? 1 : 0),
      text: TEXTS[Math.floor(rand() * TEXTS.length)]! + (rand() < 0.5 ? ` ${i}` : ''),
      startMs: Math.floor(rand() * 1e8),
      endMs: Math.floor(rand() * 1e8) + 0.5,
      confidence: rand() < 0.3 ? null : rand(),
    };
    if (rand() < 0.2) u.uncertain = true;
    return u;
  });
}

describe('utterance wire format', () => {
  it('round-trips every field exactly, with the same key order (the JSON export is byte-identical)', () => {
    for (const n of [0, 1, 7, 5_000]) {
      const original = utterances(n, n + 1);
      const packed = structuredClone(packUtterances(original));
      const back = unpackUtterances(packed);
      expect(back).toEqual(original);
      expect(JSON.stringify(back)).toBe(JSON.stringify(original));
    }
  });

  it('carries no object per utterance: one string and three typed arrays, all transferable', () => {
    const packed = packUtterances(utterances(100, 3));
    expect(typeof packed.texts).toBe('string');
    expect(packed.textLengths).toBeInstanceOf(Uint32Array);
    expect(packed.numbers).toBeInstanceOf(Float64Array);
    expect(packed.uncertain).toBeInstanceOf(Uint8Array);
    expect(packedBuffers(packed)).toHaveLength(3);
  });

  it('round-trips an export file with several sessions', () => {
    const file: ExportFile = {
      format: 'scribe-vault-export',
      version: 1,
      exportedAt: 1_760_000_000_000,
      sessions: [0, 1, 2].map((s) => ({
        id: `s${s}`,
        title: `Session ${s}`,
        source: 'demo',
        lang: 'en',
        startedAt: 1_760_000_000_000 + s,
        stoppedAt: s === 1 ? null : 1_760_000_100_000,
        utterances: utterances(s * 10, s),
      })),
    };
    expect(JSON.stringify(unpackExportFile(structuredClone(packExportFile(file))))).toBe(
      JSON.stringify(file),
    );
  });
});
