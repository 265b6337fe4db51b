import { describe, expect, it } from 'vitest';
import {
  escapeVttText,
  exportFileName,
  formatClock,
  formatCueTime,
  formatSession,
  toSrt,
  toTxt,
  toVtt,
} from '../src/export/formats.ts';
import { parseExportFile } from '../src/export/import-validate.ts';
import type { ExportFile } from '../src/shared/persistence-client.ts';

const startedAt = Date.UTC(2026, 10, 23, 9, 5, 0);
const session = {
  title: 'Planning',
  startedAt,
  utterances: [
    {
      index: 1,
      text: 'Second <b>bold</b> & "quoted" --> arrow',
      startMs: 3_723_456,
      endMs: 3_725_000,
      confidence: null,
    },
    { index: 0, text: 'First line.', startMs: 1_234, endMs: 2_000, confidence: 0.8 },
    { index: 2, text: '   ', startMs: 3_800_000, endMs: 3_801_000, confidence: null },
    {
      index: 3,
      text: 'Cut off\n\nmid',
      startMs: 3_900_000,
      endMs: 3_900_000,
      confidence: null,
      uncertain: true,
    },
  ],
};

describe('cue timestamps', () => {
  it('formats SRT with a comma and WebVTT with a dot, hours padded', () => {
    expect(formatCueTime(0, ',')).toBe('00:00:00,000');
    expect(formatCueTime(3_723_456, ',')).toBe('01:02:03,456');
    expect(formatCueTime(3_723_456, '.')).toBe('01:02:03.456');
    expect(formatCueTime(100 * 3_600_000 + 1, '.')).toBe('100:00:00.001');
    expect(formatCueTime(-5, ',')).toBe('00:00:00,000');
    expect(formatCueTime(999.6, ',')).toBe('00:00:01,000');
  });
  it('formats clocks for people', () => {
    expect(formatClock(0)).toBe('0:00');
    expect(formatClock(65_900)).toBe('1:05');
    expect(formatClock(3_723_000)).toBe('1:02:03');
  });
});

describe('SRT', () => {
  it('numbers cues in time order, skips empty text, keeps cues free of blank lines', () => {
    expect(toSrt(session)).toBe(
      [
        '1\n00:00:01,234 --> 00:00:02,000\nFirst line.\n',
        '2\n01:02:03,456 --> 01:02:05,000\nSecond <b>bold</b> & "quoted" --> arrow\n',
        '3\n01:05:00,000 --> 01:05:00,500\nCut off\nmid [uncertain]\n',
      ].join('\n'),
    );
  });
});

describe('WebVTT', () => {
  it('starts with the WEBVTT header and escapes markup characters', () => {
    const vtt = toVtt(session);
    expect(vtt.startsWith('WEBVTT - Planning\n\n')).toBe(true);
    expect(vtt).toContain('00:00:01.234 --> 00:00:02.000\nFirst line.\n');
    expect(vtt).toContain(
      '01:02:03.456 --> 01:02:05.000\nSecond &lt;b&gt;bold&lt;/b&gt; &amp; "quoted" --&gt; arrow\n',
    );
    expect(vtt).toContain('01:05:00.000 --> 01:05:00.500\nCut off\nmid [uncertain]\n');
    // Only the timing lines may contain "-->".
    const arrows = vtt.split('\n').filter((line) => line.includes('-->'));
    expect(arrows).toHaveLength(3);
    expect(
      arrows.every((line) => /^\d{2,}:\d{2}:\d{2}\.\d{3} --> \d{2,}:\d{2}:\d{2}\.\d{3}$/.test(line)),
    ).toBe(true);
  });
  it('escapes ampersands first so entities are not double-escaped wrongly', () => {
    expect(escapeVttText('a&lt;b')).toBe('a&amp;lt;b');
  });
  it('has a bare header for an untitled session', () => {
    expect(toVtt({ ...session, title: '' }).startsWith('WEBVTT\n\n')).toBe(true);
  });
});

describe('TXT', () => {
  it('has title, ISO date and one timestamped line per utterance', () => {
    expect(toTxt(session)).toBe(
      [
        'Planning',
        '2026-11-23T09:05:00.000Z',
        '',
        '[0:01] First line.',
        '[1:02:03] Second <b>bold</b> & "quoted" --> arrow',
        '[1:05:00] Cut off mid [uncertain]',
        '',
      ].join('\n'),
    );
  });
});

describe('JSON and file names', () => {
  const file: ExportFile = {
    format: 'scribe-vault-export',
    version: 1,
    exportedAt: startedAt + 1,
    sessions: [
      {
        id: 's1',
        title: 'Planning',
        source: 'demo',
        lang: 'en',
        startedAt,
        stoppedAt: null,
        utterances: session.utterances,
      },
    ],
  };
  it('round-trips through the import validator unchanged', () => {
    const result = parseExportFile(formatSession(file, 'json'));
    expect(result).toEqual({ ok: true, file });
  });
  it('formats the single session of an export as text formats', () => {
    expect(formatSession(file, 'srt')).toBe(toSrt(session));
    expect(() => formatSession({ ...file, sessions: [] }, 'txt')).toThrow(/no session/);
  });
  it('makes safe file names', () => {
    const name = exportFileName({ title: 'a/b: c?*  ', startedAt }, 'srt');
    expect(name).toMatch(/^a b c \d{4}-\d{2}-\d{2} \d{2}-\d{2}\.srt$/);
    expect(exportFileName({ title: '..', startedAt }, 'txt')).toMatch(/^session /);
  });
});
