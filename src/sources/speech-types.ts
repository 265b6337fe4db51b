/**
 * The slice of the Web Speech API the Microphone source uses, typed here because lib.dom lags
 * the spec (on-device recognition: `processLocally`, `SpeechRecognition.available()/install()`).
 */

export interface SpeechAlternativeLike {
  readonly transcript: string;
  readonly confidence: number;
}

export interface SpeechResultLike {
  readonly isFinal: boolean;
  readonly length: number;
  readonly [index: number]: SpeechAlternativeLike;
}

export interface SpeechResultListLike {
  readonly length: number;
  readonly [index: number]: SpeechResultLike;
}

export interface SpeechResultEventLike {
  readonly resultIndex: number;
  readonly results: SpeechResultListLike;
}

export interface SpeechErrorEventLike {
  readonly error: string;
  readonly message?: string;
}

export interface SpeechRecognitionLike {
  continuous: boolean;
  interimResults: boolean;
  lang: string;
  maxAlternatives: number;
  /** Chrome 139+: run the model on the device only. */
  processLocally?: boolean;
  onresult: ((event: SpeechResultEventLike) => void) | null;
  onerror: ((event: SpeechErrorEventLike) => void) | null;
  onend: (() => void) | null;
  onstart: (() => void) | null;
  start(): void;
  stop(): void;
  abort(): void;
}

export type OnDeviceAvailability = 'available' | 'downloadable' | 'downloading' | 'unavailable';

export interface SpeechRecognitionConstructorLike {
  new (): SpeechRecognitionLike;
  available?(options: { langs: string[]; processLocally: boolean }): Promise<OnDeviceAvailability>;
  install?(options: { langs: string[]; processLocally: boolean }): Promise<boolean>;
}

/** The browser's recogniser constructor, prefixed or not, or null when there is none. */
export function findSpeechRecognition(scope: object = globalThis): SpeechRecognitionConstructorLike | null {
  const s = scope as { SpeechRecognition?: unknown; webkitSpeechRecognition?: unknown };
  const ctor = s.SpeechRecognition ?? s.webkitSpeechRecognition;
  return typeof ctor === 'function' ? (ctor as SpeechRecognitionConstructorLike) : null;
}
