import { describe, expect, it } from 'vitest';
import { DemoSource } from '../src/sources/demo.ts';
import { scriptFromText } from '../src/sources/replay-file.ts';
import type { SourceListener, TranscriptSource } from '../src/sources/source.ts';
import { Recorder } from '../src/ui/recorder.ts';
import { FakeScheduler } from './sources-fake-scheduler.ts';
import { FakeClient } from './ui-fake-client.ts';

function demo(text: string, scheduler: FakeScheduler): DemoSource {
  const script = scriptFromText(text);
  if (!script.ok) throw new Error(script.error);
  return new DemoSource(script.lines, 20, scheduler);
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('Recorder', () => {
  it('stores every partial and final in order, then stops the session when the source ends', async () => {
    const client = new FakeClient();
    const scheduler = new FakeScheduler();
    const recorder = new Recorder(client, () => 1000);
    await recorder.start(demo('hello world\nbye', scheduler), 'Demo');
    expect(recorder.state.phase).toBe('recording');
    scheduler.runAll();
    await flush();
    expect(client.calls.map((c) => c.op)).toEqual([
      'start',
      'partial',
      'partial',
      'final',
      'partial',
      'final',
      'stop',
    ]);
    expect(client.calls[0]).toEqual({ op: 'start', input: { title: 'Demo', source: 'demo', lang: '' } });
    expect(client.calls[3]).toMatchObject({
      op: 'final',
      sessionId: 's1',
      input: { utterance: 0, text: 'hello world' },
    });
    expect(recorder.state.phase).toBe('idle');
    expect(recorder.state.lastSession).toMatchObject({ id: 's1', status: 'stopped', finals: 2 });
    expect(recorder.state.transcript.lines.map((l) => [l.text, l.partial])).toEqual([
      ['hello world', false],
      ['bye', false],
    ]);
  });

  it('queues events produced while the session is being created', async () => {
    const client = new FakeClient();
    let release!: () => void;
    client.holdStart = new Promise((resolve) => (release = resolve));
    const scheduler = new FakeScheduler();
    const recorder = new Recorder(client);
    const started = recorder.start(demo('one two', scheduler), 'Demo');
    await flush();
    scheduler.runAll(); // the whole replay happens before the session exists
    expect(client.calls.map((c) => c.op)).toEqual(['start']);
    release();
    await started;
    await flush();
    expect(client.calls.map((c) => c.op)).toEqual(['start', 'partial', 'partial', 'final', 'stop']);
    expect(recorder.state.phase).toBe('idle');
  });

  it('Stop closes the open utterance with what was said and stops the session', async () => {
    const client = new FakeClient();
    const scheduler = new FakeScheduler();
    const recorder = new Recorder(client);
    await recorder.start(demo('one two three four five', scheduler), 'Demo');
    scheduler.advance(40); // two words at 20×
    await recorder.stop();
    const last = client.calls.at(-2);
    expect(last).toMatchObject({ op: 'final', input: { text: 'one two' } });
    expect(client.calls.at(-1)).toEqual({ op: 'stop', sessionId: 's1' });
    expect(recorder.state.phase).toBe('idle');
  });

  it('shows a source that cannot start and creates no session', async () => {
    const client = new FakeClient();
    const recorder = new Recorder(client);
    const broken: TranscriptSource = {
      kind: 'microphone',
      lang: 'en',
      start: async () => {
        throw new Error('This browser has no speech recognition');
      },
      stop: async () => {},
    };
    await recorder.start(broken, 'Mic');
    expect(recorder.state).toMatchObject({ phase: 'idle', error: 'This browser has no speech recognition' });
    expect(client.calls).toEqual([]);
    await recorder.stop(); // harmless when idle
  });

  it('removes the empty session of a run that failed before any speech', async () => {
    const client = new FakeClient();
    const recorder = new Recorder(client);
    let emit!: SourceListener;
    const denied: TranscriptSource = {
      kind: 'microphone',
      lang: 'en',
      start: async (listener) => {
        emit = listener;
      },
      stop: async () => {},
    };
    await recorder.start(denied, 'Mic');
    emit({
      type: 'error',
      code: 'permission-denied',
      message: 'Microphone permission was denied.',
      fatal: true,
    });
    emit({ type: 'ended', reason: 'error' });
    await flush();
    expect(client.calls.map((c) => c.op)).toEqual(['start', 'stop', 'delete']);
    expect(recorder.state).toMatchObject({
      phase: 'idle',
      error: 'Microphone permission was denied.',
      lastSession: null,
    });
  });

  it('shows a failed append until records are acknowledged again', async () => {
    const client = new FakeClient();
    const scheduler = new FakeScheduler();
    const recorder = new Recorder(client);
    const original = client.appendPartial.bind(client);
    let failing = true;
    client.appendPartial = async (id, input) => {
      if (failing) throw new Error('Storage is full');
      return original(id, input);
    };
    await recorder.start(demo('one two three four', scheduler), 'Demo');
    scheduler.advance(20);
    await flush();
    expect(recorder.state.error).toBe('Not saved yet: Storage is full');
    failing = false;
    scheduler.advance(20);
    await flush();
    expect(recorder.state.error).toBeNull();
  });

  it('stops the source when no session can be created', async () => {
    const client = new FakeClient();
    client.failStart = new Error('Storage is full');
    const scheduler = new FakeScheduler();
    const recorder = new Recorder(client);
    await recorder.start(demo('a b c', scheduler), 'Demo');
    expect(recorder.state).toMatchObject({
      phase: 'idle',
      error: 'Could not start a session: Storage is full',
    });
    expect(scheduler.pending).toBe(0);
  });

  it('stops cleanly with a message when another tab deletes the session being recorded', async () => {
    const client = new FakeClient();
    const scheduler = new FakeScheduler();
    const recorder = new Recorder(client);
    await recorder.start(demo('one two three\nfour five six\nseven eight', scheduler), 'Demo');
    scheduler.advance(20);
    await flush();
    const before = client.calls.length;
    expect(before).toBeGreaterThan(1);
    client.emit({ type: 'session-stopped-elsewhere', sessionId: 'other' });
    expect(recorder.state.phase).toBe('recording');
    client.emit({ type: 'session-stopped-elsewhere', sessionId: 's1' });
    await recorder.stop();
    await flush();
    expect(recorder.state).toMatchObject({ phase: 'idle', sessionId: null, lastSession: null });
    expect(recorder.state.error).toMatch(/deleted in another tab.*recording stopped/);
    expect(scheduler.pending).toBe(0);
    scheduler.runAll();
    await flush();
    // Nothing more is sent for the deleted session, not even a stop.
    expect(client.calls.length).toBe(before);
  });
});
