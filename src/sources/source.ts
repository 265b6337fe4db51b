/**
 * The one interface every transcript source implements (Microphone, Demo). A source emits partials
 * (interim hypotheses that a later partial or the final of the same utterance replaces) and finals,
 * with times as offsets from the moment the source started, plus status and error events for the UI.
 */

export type SourceKind = 'microphone' | 'demo';

export interface PartialEvent {
  type: 'partial';
  /** 0-based utterance number within this source run, strictly increasing between utterances. */
  utterance: number;
  startMs: number;
  text: string;
}

export interface FinalEvent {
  type: 'final';
  utterance: number;
  startMs: number;
  endMs: number;
  text: string;
  confidence: number | null;
}

/** Something the user should see (mode, waiting for speech…); never ends the run by itself. */
export interface StatusEvent {
  type: 'status';
  message: string;
}

export type SourceErrorCode =
  | 'unsupported'
  | 'permission-denied'
  | 'no-microphone'
  | 'network'
  | 'language-unsupported'
  | 'no-speech'
  | 'bad-file'
  | 'failed';

/** `fatal` errors end the run (an 'ended' event follows); others are shown and the run continues. */
export interface SourceErrorEvent {
  type: 'error';
  code: SourceErrorCode;
  message: string;
  fatal: boolean;
}

export interface EndedEvent {
  type: 'ended';
  reason: 'finished' | 'stopped' | 'error';
}

export type SourceEvent = PartialEvent | FinalEvent | StatusEvent | SourceErrorEvent | EndedEvent;

export type SourceListener = (event: SourceEvent) => void;

export interface TranscriptSource {
  readonly kind: SourceKind;
  /** Language tag of the text (BCP-47), '' when unknown. */
  readonly lang: string;
  /**
   * Starts producing events. Rejects (with an Error whose message is for the user) when the source
   * cannot start at all; after it resolves, problems arrive as 'error' events.
   */
  start(listener: SourceListener): Promise<void>;
  /**
   * Stops: every utterance that has a partial is closed with a final before 'ended' is emitted and
   * the promise resolves, so stopping never drops text.
   */
  stop(): Promise<void>;
}

/** Time and timers, injected so the sources' logic runs under a fake clock in tests. */
export interface Scheduler {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realScheduler: Scheduler = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};
