import { describe, expect, it } from 'vitest';
import {
  INSTALL_TIMEOUT_MS,
  MAX_FAILED_RESTARTS,
  MicrophoneSource,
  STOP_GRACE_MS,
} from '../src/sources/microphone.ts';
import type { SourceEvent } from '../src/sources/source.ts';
import type {
  OnDeviceAvailability,
  SpeechRecognitionConstructorLike,
  SpeechRecognitionLike,
  SpeechResultEventLike,
} from '../src/sources/speech-types.ts';
import { FakeScheduler } from './sources-fake-scheduler.ts';

/** A scripted stand-in for the browser recogniser: one instance per run. */
class FakeRecognition implements SpeechRecognitionLike {
  static instances: FakeRecognition[] = [];
  continuous = false;
  interimResults = false;
  lang = '';
  maxAlternatives = 0;
  processLocally?: boolean;
  onresult: ((event: SpeechResultEventLike) => void) | null = null;
  onerror: ((event: { error: string; message?: string }) => void) | null = null;
  onend: (() => void) | null = null;
  onstart: (() => void) | null = null;
  started = false;
  stopped = false;
  aborted = false;
  /** This run's result list: [text, isFinal]. */
  results: Array<[string, boolean]> = [];
  endOnStop = true;

  constructor() {
    FakeRecognition.instances.push(this);
  }
  start() {
    this.started = true;
  }
  stop() {
    this.stopped = true;
    if (this.endOnStop) this.end();
  }
  abort() {
    this.aborted = true;
  }
  /** Sets result `index` and delivers results from `resultIndex` on (like Chrome). */
  say(index: number, text: string, isFinal: boolean, resultIndex = index) {
    this.results[index] = [text, isFinal];
    const results = this.results.map(([t, f]) =>
      Object.assign([{ transcript: t, confidence: f ? 0.9 : 0 }], { isFinal: f }),
    );
    this.onresult?.({ resultIndex, results });
  }
  fail(error: string) {
    this.onerror?.({ error });
  }
  end() {
    this.onend?.();
  }
}

function setup(options: { availability?: OnDeviceAvailability | null; install?: boolean } = {}) {
  FakeRecognition.instances = [];
  const Ctor = FakeRecognition as unknown as SpeechRecognitionConstructorLike;
  const availability = options.availability;
  if (availability) {
    Ctor.available = async () => availability;
    Ctor.install = async () => options.install ?? false;
  } else {
    delete Ctor.available;
    delete Ctor.install;
  }
  const scheduler = new FakeScheduler();
  const source = new MicrophoneSource(Ctor, scheduler, { lang: 'en-US' });
  const events: SourceEvent[] = [];
  const current = () => FakeRecognition.instances.at(-1)!;
  return { source, scheduler, events, current, listener: (e: SourceEvent) => events.push(e) };
}

const speech = (events: SourceEvent[]) =>
  events
    .filter((e) => e.type === 'partial' || e.type === 'final')
    .map((e) => `${e.type}:${e.utterance}:${e.text}`);

describe('MicrophoneSource', () => {
  it('configures a continuous interim recogniser and maps interim and final results', async () => {
    const { source, scheduler, events, current, listener } = setup();
    await source.start(listener);
    const r = current();
    expect([r.started, r.continuous, r.interimResults, r.lang, r.processLocally]).toEqual([
      true,
      true,
      true,
      'en-US',
      undefined,
    ]);
    scheduler.advance(1000);
    r.say(0, 'hello', false);
    r.say(0, 'hello', false); // unchanged hypothesis: no new partial
    scheduler.advance(500);
    r.say(0, 'hello world', false);
    r.say(0, 'Hello world.', true);
    r.say(1, 'next', false);
    expect(speech(events)).toEqual([
      'partial:0:hello',
      'partial:0:hello world',
      'final:0:Hello world.',
      'partial:1:next',
    ]);
    expect(events.find((e) => e.type === 'final')).toEqual({
      type: 'final',
      utterance: 0,
      startMs: 1000,
      endMs: 1500,
      text: 'Hello world.',
      confidence: 0.9,
    });
  });

  it('restarts by itself after silence without losing or duplicating text', async () => {
    const { source, events, current, listener } = setup();
    await source.start(listener);
    const first = current();
    first.say(0, 'one', true);
    first.say(1, 'two', true);
    first.say(0, 'one', true, 0); // Chrome on Android re-sends the whole list
    first.say(2, 'three and', false);
    first.end(); // the recogniser stopped after silence with an open partial
    expect(FakeRecognition.instances).toHaveLength(2);
    const second = current();
    expect(second.started).toBe(true);
    second.say(0, 'four', false); // result indices restart at 0 in the new run
    second.say(0, 'four', true);
    expect(speech(events)).toEqual([
      'final:0:one',
      'final:1:two',
      'partial:2:three and',
      'final:2:three and',
      'partial:3:four',
      'final:3:four',
    ]);
    expect(events.some((e) => e.type === 'ended')).toBe(false);
  });

  it('stop() closes open partials, ends once, and does not restart', async () => {
    const { source, events, current, listener } = setup();
    await source.start(listener);
    current().say(0, 'half a sen', false);
    await source.stop();
    expect(speech(events)).toEqual(['partial:0:half a sen', 'final:0:half a sen']);
    expect(events.filter((e) => e.type === 'ended')).toEqual([{ type: 'ended', reason: 'stopped' }]);
    expect(FakeRecognition.instances).toHaveLength(1);
  });

  it('aborts a recogniser that does not end after stop()', async () => {
    const { source, scheduler, events, current, listener } = setup();
    await source.start(listener);
    const r = current();
    r.endOnStop = false;
    r.say(0, 'stuck', false);
    const stopped = source.stop();
    scheduler.advance(STOP_GRACE_MS);
    await stopped;
    expect(r.aborted).toBe(true);
    expect(speech(events)).toEqual(['partial:0:stuck', 'final:0:stuck']);
    r.end(); // a late 'end' from the aborted recogniser changes nothing
    expect(events.filter((e) => e.type === 'ended')).toHaveLength(1);
  });

  it('reports permission denied as fatal and ends without restarting', async () => {
    const { source, events, current, listener } = setup();
    await source.start(listener);
    current().fail('not-allowed');
    current().end();
    expect(events.filter((e) => e.type === 'error')).toEqual([
      {
        type: 'error',
        code: 'permission-denied',
        message: expect.stringMatching(/permission was denied/),
        fatal: true,
      },
    ]);
    expect(events.at(-1)).toEqual({ type: 'ended', reason: 'error' });
    expect(FakeRecognition.instances).toHaveLength(1);
  });

  it('keeps listening after no-speech, however often it happens', async () => {
    const { source, events, current, listener } = setup();
    await source.start(listener);
    for (let i = 0; i < MAX_FAILED_RESTARTS + 2; i++) {
      current().fail('no-speech');
      current().end();
    }
    expect(events.filter((e) => e.type === 'error')[0]).toMatchObject({ code: 'no-speech', fatal: false });
    expect(events.some((e) => e.type === 'ended')).toBe(false);
    current().say(0, 'finally', true);
    expect(speech(events)).toEqual(['final:0:finally']);
  });

  it('retries network errors with back-off, then gives up with a message', async () => {
    const { source, scheduler, events, current, listener } = setup();
    await source.start(listener);
    for (let i = 0; i < MAX_FAILED_RESTARTS; i++) {
      current().fail('network');
      current().end();
      scheduler.advance(60_000);
    }
    expect(FakeRecognition.instances).toHaveLength(MAX_FAILED_RESTARTS);
    expect(events.filter((e) => e.type === 'error').at(-1)).toMatchObject({ code: 'network', fatal: true });
    expect(events.at(-1)).toEqual({ type: 'ended', reason: 'error' });
  });

  it('uses on-device recognition when available or installable, and says so', async () => {
    const available = setup({ availability: 'available' });
    await available.source.start(available.listener);
    expect(available.current().processLocally).toBe(true);
    expect(available.source.recognitionMode).toBe('on-device');
    expect(available.events[0]).toMatchObject({
      type: 'status',
      message: expect.stringMatching(/^On-device/),
    });

    const installed = setup({ availability: 'downloadable', install: true });
    await installed.source.start(installed.listener);
    expect(installed.source.recognitionMode).toBe('on-device');

    const refused = setup({ availability: 'downloadable', install: false });
    await refused.source.start(refused.listener);
    expect(refused.source.recognitionMode).toBe('cloud');
    expect(refused.current().processLocally).toBeUndefined();
    expect(refused.events.map((e) => (e.type === 'status' ? e.message : ''))).toEqual([
      expect.stringMatching(/^Installing on-device/),
      expect.stringMatching(/^Cloud/),
    ]);
  });

  it('falls back to the cloud recogniser when the on-device install hangs', async () => {
    const { source, scheduler, events, listener } = setup({ availability: 'downloadable' });
    (source as unknown as { Recognition: { install: () => Promise<boolean> } }).Recognition.install = () =>
      new Promise<boolean>(() => {});
    const started = source.start(listener);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(events.at(-1)).toMatchObject({
      type: 'status',
      message: expect.stringMatching(/^Installing on-device/),
    });
    scheduler.advance(INSTALL_TIMEOUT_MS);
    await started;
    expect(source.recognitionMode).toBe('cloud');
    expect(FakeRecognition.instances).toHaveLength(1);
  });

  it('refuses to start in a browser without speech recognition', async () => {
    const source = new MicrophoneSource(null, new FakeScheduler(), { lang: 'en-US' });
    await expect(source.start(() => {})).rejects.toThrow(/no speech recognition.*Demo/);
  });
});
