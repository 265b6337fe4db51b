/**
 * Connects a transcript source to the persistence facade for one recording at a time, and keeps the
 * state the live view renders. No DOM: tested in Node with a PersistenceClient double.
 *
 * Every partial and final goes to the facade in the order the source produced it (the facade numbers
 * and retries them). Events that arrive while the session is still being created are queued and sent
 * right after, so the first words are never dropped.
 */
import type { SessionMeta } from '../shared/persistence-api.ts';
import type { PersistenceClient } from '../shared/persistence-client.ts';
import type { FinalEvent, PartialEvent, SourceEvent, TranscriptSource } from '../sources/source.ts';
import { applySpeech, EMPTY_TRANSCRIPT, type LiveTranscript } from './transcript-model.ts';

export type RecorderPhase = 'idle' | 'starting' | 'recording' | 'stopping';

export interface RecorderState {
  phase: RecorderPhase;
  sessionId: string | null;
  title: string;
  transcript: LiveTranscript;
  /** Wall-clock start (Unix ms) of the current or last recording. */
  startedAt: number | null;
  stoppedAt: number | null;
  /** Latest status line from the source (mode, speed…). */
  status: string | null;
  /** Latest problem for the user (source or persistence), null when none. */
  error: string | null;
  /** Set when the last recording was stopped and saved. */
  lastSession: SessionMeta | null;
}

export const INITIAL_RECORDER_STATE: RecorderState = {
  phase: 'idle',
  sessionId: null,
  title: '',
  transcript: EMPTY_TRANSCRIPT,
  startedAt: null,
  stoppedAt: null,
  status: null,
  error: null,
  lastSession: null,
};

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class Recorder {
  private current: RecorderState = INITIAL_RECORDER_STATE;
  private listeners = new Set<(state: RecorderState) => void>();
  private source: TranscriptSource | null = null;
  private queued: Array<PartialEvent | FinalEvent> = [];
  private fatalError = false;
  /** The error shown for a failed append, cleared by the next acknowledged one. */
  private appendError: string | null = null;
  /** Settles when the current recording has fully ended (session stopped, or start failed). */
  private ended: Promise<void> = Promise.resolve();
  private resolveEnded: () => void = () => {};

  constructor(
    private readonly client: PersistenceClient,
    private readonly now: () => number = Date.now,
  ) {
    client.subscribe((event) => {
      if (event.type === 'session-stopped-elsewhere' && event.sessionId === this.current.sessionId) {
        void this.endDeletedElsewhere();
      }
    });
  }

  /**
   * Another tab deleted the session being recorded (the worker has already dropped it): stop the
   * source and say so, instead of letting every further append fail with `unknown-session`.
   */
  private async endDeletedElsewhere(): Promise<void> {
    const source = this.source;
    this.source = null;
    this.queued = [];
    // No sessionId from here on: the source's 'ended' event must not try to stop a deleted session.
    this.set({
      phase: 'stopping',
      sessionId: null,
      error: 'This session was deleted in another tab, so recording stopped. Nothing more is saved for it.',
    });
    await source?.stop().catch(() => undefined);
    this.set({ phase: 'idle', stoppedAt: this.now(), lastSession: null, status: null });
    this.resolveEnded();
  }

  get state(): RecorderState {
    return this.current;
  }

  /** Read through a method so TypeScript does not narrow it across awaits. */
  private phase(): RecorderPhase {
    return this.current.phase;
  }

  subscribe(listener: (state: RecorderState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private set(patch: Partial<RecorderState>): void {
    this.current = { ...this.current, ...patch };
    for (const listener of this.listeners) listener(this.current);
  }

  /** Starts recording from `source` into a new session. Resolves once both are running (or failed). */
  async start(source: TranscriptSource, title: string): Promise<void> {
    if (this.current.phase !== 'idle') return;
    this.source = source;
    this.queued = [];
    this.fatalError = false;
    this.set({
      ...INITIAL_RECORDER_STATE,
      phase: 'starting',
      title,
      startedAt: this.now(),
      lastSession: this.current.lastSession,
    });
    this.ended = new Promise((resolve) => (this.resolveEnded = resolve));
    try {
      await source.start((event) => this.onSourceEvent(event));
    } catch (error) {
      this.source = null;
      this.set({ phase: 'idle', error: message(error), startedAt: null });
      this.resolveEnded();
      return;
    }
    let meta: SessionMeta;
    try {
      meta = await this.client.startSession({ title, source: source.kind, lang: source.lang });
    } catch (error) {
      // Nothing can be saved: stop the source rather than show text that is not kept.
      this.set({ error: `Could not start a session: ${message(error)}` });
      await source.stop();
      this.source = null;
      this.set({ phase: 'idle' });
      this.resolveEnded();
      return;
    }
    this.set({
      sessionId: meta.id,
      phase: this.phase() === 'starting' ? 'recording' : this.phase(),
    });
    const queued = this.queued;
    this.queued = [];
    for (const event of queued) this.persist(meta.id, event);
    // The source may already have ended (a short file at 20×) while the session was being created.
    if (this.phase() === 'stopping' && this.source === null) await this.finishSession();
  }

  /** Stops the source; resolves when its last finals are stored and the session is stopped. */
  async stop(): Promise<void> {
    const source = this.source;
    if (!source || (this.current.phase !== 'recording' && this.current.phase !== 'starting')) {
      await this.ended;
      return;
    }
    this.set({ phase: 'stopping' });
    await source.stop();
    await this.ended;
  }

  private onSourceEvent(event: SourceEvent): void {
    switch (event.type) {
      case 'partial':
      case 'final': {
        this.set({ transcript: applySpeech(this.current.transcript, event) });
        if (this.current.sessionId) this.persist(this.current.sessionId, event);
        else this.queued.push(event);
        return;
      }
      case 'status':
        this.set({ status: event.message });
        return;
      case 'error':
        if (event.fatal) this.fatalError = true;
        this.set({ error: event.message });
        return;
      case 'ended':
        this.source = null;
        // The source's status ("Replaying … at 4×", the recognition mode) no longer applies.
        this.set({ phase: 'stopping', status: event.reason === 'finished' ? 'Replay finished' : null });
        // Without a session yet, start() finishes it as soon as the session exists.
        if (this.current.sessionId) void this.finishSession();
        return;
    }
  }

  private persist(sessionId: string, event: PartialEvent | FinalEvent): void {
    const done =
      event.type === 'partial'
        ? this.client.appendPartial(sessionId, {
            utterance: event.utterance,
            startMs: event.startMs,
            text: event.text,
          })
        : this.client.appendFinal(sessionId, {
            utterance: event.utterance,
            startMs: event.startMs,
            endMs: event.endMs,
            text: event.text,
            confidence: event.confidence,
          });
    // The facade keeps unacknowledged records and retries them; the durability indicator shows why.
    // The message goes away once records are acknowledged again (e.g. space was freed).
    done.then(
      () => {
        if (this.appendError !== null && this.current.error === this.appendError) this.set({ error: null });
        this.appendError = null;
      },
      (error: unknown) => {
        this.appendError = `Not saved yet: ${message(error)}`;
        this.set({ error: this.appendError });
      },
    );
  }

  private async finishSession(): Promise<void> {
    const sessionId = this.current.sessionId;
    if (!sessionId) return;
    let lastSession: SessionMeta | null = null;
    try {
      lastSession = await this.client.stopSession(sessionId);
      // A run that failed before a single word (e.g. microphone permission denied) leaves nothing
      // worth keeping: remove the empty session instead of cluttering the list.
      if (this.fatalError && this.current.transcript.lines.length === 0) {
        await this.client.deleteSession(sessionId);
        lastSession = null;
      }
    } catch (error) {
      this.set({ error: `Could not stop the session cleanly: ${message(error)}` });
    }
    this.set({ phase: 'idle', stoppedAt: this.now(), lastSession, sessionId: null });
    this.resolveEnded();
  }
}
