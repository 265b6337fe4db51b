import { describe, expect, it } from 'vitest';
import { DemoSource, MAX_REPLAYED_SILENCE_MS } from '../src/sources/demo.ts';
import { MS_PER_WORD, PAUSE_MS, parseReplayFile, scriptFromText } from '../src/sources/replay-file.ts';
import type { SourceEvent } from '../src/sources/source.ts';
import { FakeScheduler } from './sources-fake-scheduler.ts';

function textScript(text: string) {
  const script = scriptFromText(text);
  if (!script.ok) throw new Error(script.error);
  return script.lines;
}

function record(source: DemoSource): SourceEvent[] {
  const events: SourceEvent[] = [];
  void source.start((e) => events.push(e));
  return events;
}

const speech = (events: SourceEvent[]) => events.filter((e) => e.type === 'partial' || e.type === 'final');

describe('replay scripts', () => {
  it('times .txt lines at a speaking pace, skipping blank lines', () => {
    const lines = textScript('\uFEFFHello there\r\n\n  General Kenobi you are bold  \n');
    expect(lines).toEqual([
      { text: 'Hello there', startMs: 0, endMs: 2 * MS_PER_WORD, confidence: null },
      {
        text: 'General Kenobi you are bold',
        startMs: 2 * MS_PER_WORD + PAUSE_MS,
        endMs: 2 * MS_PER_WORD + PAUSE_MS + 5 * MS_PER_WORD,
        confidence: null,
      },
    ]);
  });

  it('reads the JSON export with its timings and refuses foreign or empty files', () => {
    const file = {
      format: 'scribe-vault-export',
      version: 1,
      exportedAt: Date.UTC(2026, 0, 1),
      sessions: [
        {
          id: 'a',
          title: 't',
          source: 'demo',
          lang: 'de-DE',
          startedAt: Date.UTC(2026, 0, 1),
          stoppedAt: null,
          utterances: [
            { index: 1, text: 'zwei', startMs: 5000, endMs: 6000, confidence: 0.5 },
            { index: 0, text: 'eins', startMs: 1000, endMs: 2000, confidence: null },
          ],
        },
      ],
    };
    const script = parseReplayFile('rec.json', JSON.stringify(file));
    expect(script).toEqual({
      ok: true,
      lang: 'de-DE',
      lines: [
        { text: 'eins', startMs: 1000, endMs: 2000, confidence: null },
        { text: 'zwei', startMs: 5000, endMs: 6000, confidence: 0.5 },
      ],
    });
    expect(parseReplayFile('x.json', '{"a":1}')).toEqual({
      ok: false,
      error: 'This file is not a Scribe Vault export (missing format field).',
    });
    expect(parseReplayFile('x.txt', '\n  \n')).toEqual({
      ok: false,
      error: 'This text file has no lines to replay.',
    });
    expect(parseReplayFile('x.mp3', 'ID3')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/\.txt/),
    });
  });
});

describe('DemoSource', () => {
  it('emits a partial per word then the final, on the script timeline, then ends', () => {
    const scheduler = new FakeScheduler();
    const events = record(new DemoSource(textScript('one two three\nfour'), 1, scheduler));
    scheduler.advance(MS_PER_WORD - 1);
    expect(speech(events)).toEqual([]);
    scheduler.advance(1);
    expect(speech(events)).toEqual([{ type: 'partial', utterance: 0, startMs: 0, text: 'one' }]);
    scheduler.advance(MS_PER_WORD);
    expect(speech(events).at(-1)).toEqual({ type: 'partial', utterance: 0, startMs: 0, text: 'one two' });
    scheduler.runAll();
    const second = 3 * MS_PER_WORD + PAUSE_MS;
    expect(speech(events)).toEqual([
      { type: 'partial', utterance: 0, startMs: 0, text: 'one' },
      { type: 'partial', utterance: 0, startMs: 0, text: 'one two' },
      { type: 'partial', utterance: 0, startMs: 0, text: 'one two three' },
      {
        type: 'final',
        utterance: 0,
        startMs: 0,
        endMs: 3 * MS_PER_WORD,
        text: 'one two three',
        confidence: null,
      },
      { type: 'partial', utterance: 1, startMs: second, text: 'four' },
      {
        type: 'final',
        utterance: 1,
        startMs: second,
        endMs: second + MS_PER_WORD,
        text: 'four',
        confidence: null,
      },
    ]);
    expect(events[0]).toMatchObject({ type: 'status' });
    expect(events.at(-1)).toEqual({ type: 'ended', reason: 'finished' });
  });

  it('runs 4× and 20× faster in wall time but emits the same speech', () => {
    const text = 'alpha beta gamma delta\nepsilon zeta\neta';
    const run = (speed: 1 | 4 | 20) => {
      const scheduler = new FakeScheduler();
      const events = record(new DemoSource(textScript(text), speed, scheduler));
      scheduler.runAll();
      return { ms: scheduler.now(), events };
    };
    const one = run(1);
    const four = run(4);
    const twenty = run(20);
    expect(speech(four.events)).toEqual(speech(one.events));
    expect(speech(twenty.events)).toEqual(speech(one.events));
    expect(speech(one.events)).toHaveLength(7 + 3);
    expect(one.ms).toBe(7 * MS_PER_WORD + 2 * PAUSE_MS);
    expect(four.ms).toBeCloseTo(one.ms / 4, 5);
    expect(twenty.ms).toBeCloseTo(one.ms / 20, 5);
    expect(four.events[0]).toMatchObject({ type: 'status', message: expect.stringContaining('4×') });
  });

  it('caps long silences between utterances in wall time only', () => {
    const lines = [
      { text: 'a', startMs: 0, endMs: 100, confidence: null },
      { text: 'b', startMs: 60_100, endMs: 60_200, confidence: null },
    ];
    const scheduler = new FakeScheduler();
    const events = record(new DemoSource(lines, 1, scheduler));
    scheduler.runAll();
    expect(scheduler.now()).toBe(100 + MAX_REPLAYED_SILENCE_MS + 100);
    expect(speech(events).at(-1)).toMatchObject({ type: 'final', startMs: 60_100, endMs: 60_200 });
  });

  it('closes the utterance in progress with the words said so far when stopped', async () => {
    const scheduler = new FakeScheduler();
    const source = new DemoSource(textScript('one two three four'), 1, scheduler);
    const events = record(source);
    scheduler.advance(2 * MS_PER_WORD);
    await source.stop();
    expect(speech(events).at(-1)).toEqual({
      type: 'final',
      utterance: 0,
      startMs: 0,
      endMs: 2 * MS_PER_WORD,
      text: 'one two',
      confidence: null,
    });
    expect(events.at(-1)).toEqual({ type: 'ended', reason: 'stopped' });
    expect(scheduler.pending).toBe(0);
    const count = events.length;
    scheduler.advance(10_000);
    expect(events).toHaveLength(count);
  });

  it('refuses to start with nothing to replay', async () => {
    await expect(new DemoSource([], 1, new FakeScheduler()).start(() => {})).rejects.toThrow(
      /nothing to replay/,
    );
  });
});
