import { describe, expect, it } from 'vitest';
import { applyPersistenceEvent, describeDurability, INITIAL_DURABILITY } from '../src/ui/durability.ts';
import { formatAge, formatBytes, formatDuration } from '../src/ui/format.ts';
import { applySpeech, EMPTY_TRANSCRIPT } from '../src/ui/transcript-model.ts';

describe('live transcript model', () => {
  it('replaces partials of the same utterance, and the final replaces the partial', () => {
    let t = EMPTY_TRANSCRIPT;
    t = applySpeech(t, { type: 'partial', utterance: 0, startMs: 0, text: 'he' });
    t = applySpeech(t, { type: 'partial', utterance: 0, startMs: 0, text: 'hello' });
    t = applySpeech(t, { type: 'partial', utterance: 1, startMs: 900, text: 'and' });
    expect(t.lines.map((l) => [l.utterance, l.text, l.partial])).toEqual([
      [0, 'hello', true],
      [1, 'and', true],
    ]);
    t = applySpeech(t, {
      type: 'final',
      utterance: 0,
      startMs: 0,
      endMs: 800,
      text: 'Hello.',
      confidence: 1,
    });
    expect(t.lines[0]).toEqual({ utterance: 0, startMs: 0, endMs: 800, text: 'Hello.', partial: false });
    expect(t.finals).toBe(1);
    expect(t.partials).toBe(3);
  });

  it('ignores a late partial after the final and keeps utterances ordered', () => {
    let t = EMPTY_TRANSCRIPT;
    t = applySpeech(t, { type: 'final', utterance: 2, startMs: 5, endMs: 6, text: 'two', confidence: null });
    t = applySpeech(t, { type: 'partial', utterance: 1, startMs: 1, text: 'one' });
    const before = t;
    t = applySpeech(t, { type: 'partial', utterance: 2, startMs: 5, text: 'tw' });
    expect(t).toBe(before);
    expect(t.lines.map((l) => l.utterance)).toEqual([1, 2]);
    t = applySpeech(t, { type: 'final', utterance: 2, startMs: 5, endMs: 6, text: 'two', confidence: null });
    expect(t.finals).toBe(1);
  });
});

describe('durability indicator', () => {
  it('shows the age of the last flush', () => {
    const s = applyPersistenceEvent(INITIAL_DURABILITY, {
      type: 'flushed',
      at: 10_000,
      latencyMs: 1,
      reason: 'timer',
    });
    expect(describeDurability(s, 10_200, 0)).toEqual({ tone: 'ok', text: 'Saved · 0.2 s ago' });
    expect(describeDurability(INITIAL_DURABILITY, 0, 0).tone).toBe('idle');
    expect(describeDurability(INITIAL_DURABILITY, 0, 2)).toEqual({
      tone: 'warning',
      text: 'Saving… 2 results pending',
    });
  });

  it('puts quota errors first with the count kept in memory, and clears them', () => {
    let s = applyPersistenceEvent(INITIAL_DURABILITY, {
      type: 'flushed',
      at: 0,
      latencyMs: 1,
      reason: 'timer',
    });
    s = applyPersistenceEvent(s, { type: 'error', error: { code: 'quota-exceeded', message: 'full' } });
    expect(describeDurability(s, 100, 7)).toEqual({
      tone: 'error',
      text: 'Storage is full — 7 results kept in memory, not saved yet',
    });
    s = applyPersistenceEvent(s, { type: 'error-cleared', code: 'quota-exceeded' });
    expect(describeDurability(s, 100, 0).text).toBe('Saved · 0.1 s ago');
  });

  it('names the other failures', () => {
    const withError = (code: 'opfs-unavailable' | 'file-locked' | 'corrupt-wal') =>
      describeDurability(
        applyPersistenceEvent(INITIAL_DURABILITY, { type: 'error', error: { code, message: 'detail.' } }),
        0,
        0,
      ).text;
    expect(withError('opfs-unavailable')).toMatch(/^Storage unavailable — detail\./);
    expect(withError('file-locked')).toMatch(/locked by another tab/);
    expect(withError('corrupt-wal')).toMatch(/Damaged log data skipped/);
  });
});

describe('formatting', () => {
  it('formats sizes, durations and ages', () => {
    expect([
      formatBytes(0),
      formatBytes(1536),
      formatBytes(5 * 1024 * 1024),
      formatBytes(300 * 1024 ** 3),
    ]).toEqual(['0 B', '1.5 KB', '5.0 MB', '300 GB']);
    expect([formatDuration(4_400), formatDuration(65_000), formatDuration(3_660_000)]).toEqual([
      '4 s',
      '1 min 05 s',
      '1 h 01 min',
    ]);
    expect([formatAge(200), formatAge(15_000), formatAge(180_000)]).toEqual([
      '0.2 s ago',
      '15 s ago',
      '3 min ago',
    ]);
  });
});
