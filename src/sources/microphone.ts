/**
 * The Microphone source over the Web Speech API.
 *
 * A recogniser "run" ends on its own (silence, network hiccup, Chrome's ~60 s limit). The source
 * restarts a fresh recogniser at once. Result indices restart at 0 in every run, so each run keeps
 * its own map from result index to utterance number and its own set of finalised indices: a final
 * is emitted once per (run, index), even when the browser re-sends the whole result list, and no
 * utterance number is reused across runs. A partial still open when a run ends is closed with a final
 * of its last text so nothing that was shown is lost.
 */
import type {
  OnDeviceAvailability,
  SpeechErrorEventLike,
  SpeechRecognitionConstructorLike,
  SpeechRecognitionLike,
  SpeechResultEventLike,
} from './speech-types.ts';
import {
  realScheduler,
  type Scheduler,
  type SourceErrorCode,
  type SourceListener,
  type TranscriptSource,
} from './source.ts';

export type RecognitionMode = 'on-device' | 'cloud';

export interface MicrophoneOptions {
  lang: string;
  /** Prefer on-device recognition when the browser offers it (default true). */
  preferOnDevice?: boolean;
}

/** After this many runs in a row that end with an error before any result, give up. */
export const MAX_FAILED_RESTARTS = 5;
/** How long stop() waits for the recogniser's last results before closing partials itself. */
export const STOP_GRACE_MS = 2000;
/** How long to wait for SpeechRecognition.available() before assuming no on-device model. */
export const AVAILABILITY_TIMEOUT_MS = 3000;
/** How long a language-pack install may take before recording starts with the cloud recogniser. */
export const INSTALL_TIMEOUT_MS = 60_000;

/** Resolves with the promise's value, or undefined when it takes longer than `ms`. */
function withTimeout<T>(promise: Promise<T>, ms: number, scheduler: Scheduler): Promise<T | undefined> {
  return new Promise<T | undefined>((resolve, reject) => {
    const timer = scheduler.setTimeout(() => resolve(undefined), ms);
    promise.then(
      (value) => {
        scheduler.clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        scheduler.clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** Delay before restarting after the n-th failed run in a row: n × this. */
export const RESTART_BACKOFF_MS = 500;

interface OpenUtterance {
  utterance: number;
  startMs: number;
  text: string;
}

interface Run {
  recognition: SpeechRecognitionLike;
  /** Result index within this run → utterance number within the session. */
  utterances: Map<number, OpenUtterance>;
  finalised: Set<number>;
  gotResult: boolean;
  error: string | null;
}

const FATAL_ERRORS: Record<string, { code: SourceErrorCode; message: string }> = {
  'not-allowed': {
    code: 'permission-denied',
    message:
      'Microphone permission was denied. Allow the microphone for this site in the browser settings, or use the Demo source.',
  },
  'service-not-allowed': {
    code: 'permission-denied',
    message: 'This browser does not allow speech recognition here. Use the Demo source instead.',
  },
  'audio-capture': {
    code: 'no-microphone',
    message: 'No microphone was found or it could not be opened. Check that one is connected.',
  },
  'language-not-supported': {
    code: 'language-unsupported',
    message: 'The speech recogniser does not support this language.',
  },
};

export class MicrophoneSource implements TranscriptSource {
  readonly kind = 'microphone' as const;
  readonly lang: string;
  private listener: SourceListener | null = null;
  private run: Run | null = null;
  private nextUtterance = 0;
  private startedAt = 0;
  private stopping = false;
  private failedRuns = 0;
  private stopTimer: unknown = null;
  private restartTimer: unknown = null;
  private resolveStop: (() => void) | null = null;
  private mode: RecognitionMode = 'cloud';

  constructor(
    private readonly Recognition: SpeechRecognitionConstructorLike | null,
    private readonly scheduler: Scheduler,
    private readonly options: MicrophoneOptions,
  ) {
    this.lang = options.lang;
  }

  get recognitionMode(): RecognitionMode {
    return this.mode;
  }

  /**
   * Which mode the browser can give for `lang`: on-device when the language pack is installed (or
   * could be installed), cloud otherwise. Never throws.
   */
  static async onDeviceAvailability(
    Recognition: SpeechRecognitionConstructorLike,
    lang: string,
    scheduler: Scheduler = realScheduler,
  ): Promise<OnDeviceAvailability> {
    if (typeof Recognition.available !== 'function') return 'unavailable';
    try {
      const answer = await withTimeout(
        Recognition.available({ langs: [lang], processLocally: true }),
        AVAILABILITY_TIMEOUT_MS,
        scheduler,
      );
      return answer ?? 'unavailable';
    } catch {
      return 'unavailable';
    }
  }

  async start(listener: SourceListener): Promise<void> {
    const Recognition = this.Recognition;
    if (!Recognition) {
      throw new Error(
        'This browser has no speech recognition (Web Speech API). Try Chrome or Edge, or use the Demo source.',
      );
    }
    if (this.listener) throw new Error('The microphone is already running.');
    this.mode = await this.chooseMode(Recognition, listener);
    this.listener = listener;
    this.stopping = false;
    this.failedRuns = 0;
    this.nextUtterance = 0;
    this.startedAt = this.scheduler.now();
    listener({
      type: 'status',
      message:
        this.mode === 'on-device'
          ? 'On-device recognition: audio stays on this device and works offline'
          : 'Cloud recognition: the browser sends audio to its speech service (needs network)',
    });
    this.startRun();
  }

  stop(): Promise<void> {
    if (!this.listener) return Promise.resolve();
    this.stopping = true;
    return new Promise<void>((resolve) => {
      this.resolveStop = resolve;
      const run = this.run;
      if (!run) {
        this.finish('stopped');
        return;
      }
      try {
        run.recognition.stop(); // delivers the last results, then 'end'
      } catch {
        this.endRun(run);
        return;
      }
      this.stopTimer = this.scheduler.setTimeout(() => {
        // The recogniser did not end in time: abort it and close what it left open.
        if (this.run === run) {
          try {
            run.recognition.abort();
          } catch {
            /* already gone */
          }
          this.endRun(run);
        }
      }, STOP_GRACE_MS);
    });
  }

  private async chooseMode(
    Recognition: SpeechRecognitionConstructorLike,
    listener: SourceListener,
  ): Promise<RecognitionMode> {
    if (this.options.preferOnDevice === false) return 'cloud';
    const availability = await MicrophoneSource.onDeviceAvailability(Recognition, this.lang, this.scheduler);
    if (availability === 'available') return 'on-device';
    if (
      (availability === 'downloadable' || availability === 'downloading') &&
      typeof Recognition.install === 'function'
    ) {
      listener({ type: 'status', message: 'Installing on-device speech recognition for this language…' });
      try {
        const installed = await withTimeout(
          Recognition.install({ langs: [this.lang], processLocally: true }),
          INSTALL_TIMEOUT_MS,
          this.scheduler,
        );
        if (installed === true) return 'on-device';
      } catch {
        /* fall back to the cloud recogniser */
      }
    }
    return 'cloud';
  }

  private startRun(): void {
    const recognition = new this.Recognition!();
    recognition.continuous = true;
    recognition.interimResults = true;
    recognition.maxAlternatives = 1;
    recognition.lang = this.lang;
    if (this.mode === 'on-device') recognition.processLocally = true;
    const run: Run = {
      recognition,
      utterances: new Map(),
      finalised: new Set(),
      gotResult: false,
      error: null,
    };
    this.run = run;
    recognition.onresult = (event) => this.onResult(run, event);
    recognition.onerror = (event) => this.onError(run, event);
    recognition.onend = () => this.endRun(run);
    try {
      recognition.start();
    } catch (error) {
      run.error = 'start-failed';
      this.fail('failed', `The speech recogniser could not start: ${(error as Error).message}`);
      this.endRun(run);
    }
  }

  private elapsed(): number {
    return Math.max(0, Math.round(this.scheduler.now() - this.startedAt));
  }

  private onResult(run: Run, event: SpeechResultEventLike): void {
    if (this.run !== run || !this.listener) return;
    run.gotResult = true;
    this.failedRuns = 0;
    for (let i = event.resultIndex; i < event.results.length; i++) {
      const result = event.results[i]!;
      if (run.finalised.has(i)) continue; // the browser re-sent a result we already finalised
      const best = result[0];
      const text = (best?.transcript ?? '').trim();
      let open = run.utterances.get(i);
      if (!open) {
        if (text === '' && !result.isFinal) continue;
        open = { utterance: this.nextUtterance++, startMs: this.elapsed(), text: '' };
        run.utterances.set(i, open);
      }
      if (result.isFinal) {
        run.finalised.add(i);
        run.utterances.delete(i);
        this.emitFinal(open, text, best && best.confidence > 0 ? best.confidence : null);
      } else if (text !== open.text) {
        open.text = text;
        this.listener({ type: 'partial', utterance: open.utterance, startMs: open.startMs, text });
      }
    }
  }

  private emitFinal(open: OpenUtterance, text: string, confidence: number | null): void {
    this.listener?.({
      type: 'final',
      utterance: open.utterance,
      startMs: open.startMs,
      endMs: Math.max(open.startMs, this.elapsed()),
      text,
      confidence,
    });
  }

  private onError(run: Run, event: SpeechErrorEventLike): void {
    if (this.run !== run) return;
    run.error = event.error;
    if (event.error === 'aborted' && this.stopping) return;
    const fatal = FATAL_ERRORS[event.error];
    if (fatal) {
      this.fail(fatal.code, fatal.message);
      return;
    }
    if (event.error === 'no-speech') {
      this.listener?.({
        type: 'error',
        code: 'no-speech',
        message: 'No speech heard yet — still listening.',
        fatal: false,
      });
    } else if (event.error === 'network') {
      this.listener?.({
        type: 'error',
        code: 'network',
        message:
          this.mode === 'cloud'
            ? 'Network error: this browser recognises speech on its servers and cannot reach them. Retrying…'
            : 'Network error in the speech recogniser. Retrying…',
        fatal: false,
      });
    } else {
      this.listener?.({
        type: 'error',
        code: 'failed',
        message: `Speech recogniser error (${event.error}${event.message ? `: ${event.message}` : ''}). Retrying…`,
        fatal: false,
      });
    }
  }

  /** Records a fatal error; the run's 'end' (or endRun) then finishes the source. */
  private fail(code: SourceErrorCode, message: string): void {
    this.stopping = true;
    this.listener?.({ type: 'error', code, message, fatal: true });
  }

  private endRun(run: Run): void {
    if (this.run !== run) return;
    this.run = null;
    // Close utterances the recogniser left open: their last partial becomes their final.
    const open = [...run.utterances.values()].sort((a, b) => a.utterance - b.utterance);
    run.utterances.clear();
    for (const u of open) if (u.text !== '') this.emitFinal(u, u.text, null);
    if (!this.listener) return;
    if (this.stopping) {
      const errored = run.error !== null && run.error !== 'aborted' && FATAL_ERRORS[run.error] !== undefined;
      this.finish(errored || run.error === 'start-failed' ? 'error' : 'stopped');
      return;
    }
    if (run.error !== null && run.error !== 'no-speech' && !run.gotResult) {
      this.failedRuns += 1;
      if (this.failedRuns >= MAX_FAILED_RESTARTS) {
        this.fail(
          run.error === 'network' ? 'network' : 'failed',
          `The speech recogniser keeps failing (${run.error}); recording stopped. Your text so far is saved.`,
        );
        this.finish('error');
        return;
      }
    }
    // Ended by itself (silence, time limit, transient error): continue seamlessly in a new run,
    // backing off a little while runs keep failing so a dead network is not hammered.
    if (this.failedRuns === 0) {
      this.startRun();
      return;
    }
    this.restartTimer = this.scheduler.setTimeout(() => {
      this.restartTimer = null;
      if (this.listener && !this.stopping) this.startRun();
    }, RESTART_BACKOFF_MS * this.failedRuns);
  }

  private finish(reason: 'stopped' | 'error'): void {
    if (this.stopTimer !== null) this.scheduler.clearTimeout(this.stopTimer);
    if (this.restartTimer !== null) this.scheduler.clearTimeout(this.restartTimer);
    this.stopTimer = null;
    this.restartTimer = null;
    const listener = this.listener;
    this.listener = null;
    this.run = null;
    listener?.({ type: 'ended', reason });
    this.resolveStop?.();
    this.resolveStop = null;
  }
}
