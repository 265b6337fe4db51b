import { describe, expect, it } from 'vitest';
import { parseExportFile } from '../src/export/import-validate.ts';
import type { ExportFile } from '../src/shared/persistence-client.ts';

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);

function validFile(): ExportFile {
  return {
    format: 'scribe-vault-export',
    version: 1,
    exportedAt: T0 + 60_000,
    sessions: [
      {
        id: 's-abc123',
        title: 'Standup',
        source: 'demo',
        lang: 'en-US',
        startedAt: T0,
        stoppedAt: T0 + 30_000,
        utterances: [
          { index: 0, text: 'Hello team.', startMs: 0, endMs: 1500, confidence: 0.9 },
          {
            index: 1,
            text: 'Ship it <now> & "then".',
            startMs: 2000,
            endMs: 4000,
            confidence: null,
            uncertain: true,
          },
        ],
      },
      {
        id: 's-def456',
        title: '',
        source: 'microphone',
        lang: '',
        startedAt: T0 + 1000,
        stoppedAt: null,
        utterances: [],
      },
    ],
  };
}

function errorOf(input: unknown): string {
  const result = parseExportFile(input);
  if (result.ok) throw new Error('expected a rejection');
  return result.error;
}

describe('parseExportFile', () => {
  it('accepts a valid export given as an object or as JSON text and keeps every field', () => {
    const file = validFile();
    const fromObject = parseExportFile(file);
    const fromText = parseExportFile(JSON.stringify(file));
    expect(fromObject).toEqual({ ok: true, file });
    expect(fromText).toEqual({ ok: true, file });
  });

  it('drops unknown fields and defaults a missing confidence to null', () => {
    const file = validFile() as unknown as { extra: number; sessions: Array<Record<string, unknown>> };
    file.extra = 1;
    file.sessions[0]!.color = 'red';
    const utterance = (file.sessions[0]!.utterances as Array<Record<string, unknown>>)[0]!;
    delete utterance.confidence;
    const result = parseExportFile(file);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.file).not.toHaveProperty('extra');
    expect(result.file.sessions[0]).not.toHaveProperty('color');
    expect(result.file.sessions[0]!.utterances[0]!.confidence).toBeNull();
  });

  it('refuses malformed and truncated JSON with a message about damage', () => {
    const json = JSON.stringify(validFile());
    expect(errorOf(json.slice(0, json.length / 2))).toMatch(/not valid JSON.*truncated/);
    expect(errorOf('{ "format": ')).toMatch(/not valid JSON/);
    expect(errorOf('')).toMatch(/empty/);
  });

  it('refuses foreign files naming what is missing', () => {
    expect(errorOf({ hello: 'world' })).toBe(
      'This file is not a Scribe Vault export (missing format field).',
    );
    expect(errorOf('[1,2,3]')).toMatch(/not a Scribe Vault export \(it is not a JSON object\)/);
    expect(errorOf({ ...validFile(), format: 'otter-export' })).toMatch(/format is "otter-export"/);
    expect(errorOf(42)).toMatch(/not a Scribe Vault export/);
  });

  it('refuses other versions, saying when the file is newer', () => {
    expect(errorOf({ ...validFile(), version: 2 })).toMatch(/newer version of Scribe Vault/);
    expect(errorOf({ ...validFile(), version: '1' })).toMatch(/unsupported format version/);
    expect(errorOf({ ...validFile(), version: undefined })).toMatch(/unsupported format version/);
  });

  it('refuses duplicate session ids and duplicate utterance indexes', () => {
    const file = validFile();
    file.sessions[1]!.id = file.sessions[0]!.id;
    expect(errorOf(file)).toMatch(/"s-abc123" appears twice/);
    const file2 = validFile();
    file2.sessions[0]!.utterances[1]!.index = 0;
    expect(errorOf(file2)).toMatch(/two utterances with index 0/);
  });

  it('checks the type of every field', () => {
    const cases: Array<[(f: ExportFile) => void, RegExp]> = [
      [(f) => ((f as unknown as { sessions: unknown }).sessions = {}), /no list of sessions/],
      [(f) => ((f as unknown as { exportedAt: unknown }).exportedAt = 'today'), /export date must be a date/],
      [(f) => (f.sessions[0]!.id = ''), /Session 1 id is empty/],
      [(f) => (f.sessions[0]!.id = '../../etc'), /not allowed/],
      [(f) => (f.sessions[0]!.id = 'x'.repeat(65)), /too long/],
      [
        (f) => ((f.sessions[0] as unknown as { title: unknown }).title = 5),
        /title must be text, but it is a number/,
      ],
      [(f) => (f.sessions[0]!.startedAt = 12), /not a plausible date/],
      [(f) => (f.sessions[0]!.stoppedAt = T0 - 1), /stops before it starts/],
      [
        (f) => ((f.sessions[1] as unknown as { utterances: unknown }).utterances = null),
        /Session 2 has no list/,
      ],
      [(f) => (f.sessions[0]!.utterances[0]!.endMs = -5), /utterance 1 end time/],
      [(f) => (f.sessions[0]!.utterances[1]!.endMs = 100), /utterance 2 ends before it starts/],
      [(f) => (f.sessions[0]!.utterances[0]!.confidence = 1.5), /confidence must be between 0 and 1/],
      [
        (f) => ((f.sessions[0]!.utterances[0] as unknown as { text: unknown }).text = null),
        /text must be text/,
      ],
      [
        (f) => ((f.sessions[0]!.utterances[0] as unknown as { uncertain: unknown }).uncertain = 'yes'),
        /uncertain/,
      ],
      [
        (f) => ((f.sessions[0]!.utterances[0] as unknown as { index: unknown }).index = 1.5),
        /no valid index/,
      ],
      [(f) => ((f.sessions as unknown[])[0] = 'session'), /Session 1 must be an object, but it is text/],
    ];
    for (const [mutate, message] of cases) {
      const file = validFile();
      mutate(file);
      expect(errorOf(file), String(message)).toMatch(message);
    }
  });

  it('refuses oversize text before parsing it', () => {
    const json = JSON.stringify(validFile());
    const small = parseExportFile(json, json.length - 1);
    expect(small).toEqual({ ok: false, error: expect.stringMatching(/too large to import/) });
    expect(parseExportFile(json, json.length).ok).toBe(true);
    const longText = validFile();
    longText.sessions[0]!.utterances[0]!.text = 'a'.repeat(100_001);
    expect(errorOf(longText)).toMatch(/too long/);
  });
});
