import { useEffect, useMemo, useState } from 'preact/hooks';
import { formatClock } from '../export/formats.ts';
import type { PersistenceClient } from '../shared/persistence-client.ts';
import { DEMO_SPEEDS, DemoSource, type DemoSpeed } from '../sources/demo.ts';
import { MicrophoneSource } from '../sources/microphone.ts';
import { parseReplayFile, scriptFromText, type ReplayScript } from '../sources/replay-file.ts';
import { realScheduler, type SourceKind, type TranscriptSource } from '../sources/source.ts';
import { findSpeechRecognition, type OnDeviceAvailability } from '../sources/speech-types.ts';
import { DurabilityIndicator } from './DurabilityIndicator.tsx';
import { LiveLog } from './LiveLog.tsx';
import type { Recorder, RecorderState } from './recorder.ts';

const SAMPLE_URL = `${import.meta.env.BASE_URL}sample/demo.txt`;

interface ReplayChoice {
  name: string;
  script: ReplayScript;
}

interface Props {
  client: PersistenceClient;
  recorder: Recorder;
  state: RecorderState;
}

const LANGUAGES = ['en-US', 'en-GB', 'de-DE', 'fr-FR', 'es-ES', 'it-IT', 'nl-NL', 'pt-BR', 'ja-JP', 'zh-CN'];

function defaultLanguage(): string {
  const lang = navigator.language || 'en-US';
  return LANGUAGES.includes(lang) ? lang : 'en-US';
}

async function loadSample(): Promise<ReplayScript> {
  try {
    const response = await fetch(SAMPLE_URL);
    if (!response.ok)
      return { ok: false, error: `The bundled sample could not be loaded (HTTP ${response.status}).` };
    return scriptFromText(await response.text());
  } catch {
    return { ok: false, error: 'The bundled sample could not be loaded. Pick a file to replay instead.' };
  }
}

function modeNote(availability: OnDeviceAvailability | 'checking'): string {
  switch (availability) {
    case 'checking':
      return 'Checking for on-device recognition…';
    case 'available':
      return 'On-device recognition: audio stays on this device and works offline.';
    case 'downloadable':
    case 'downloading':
      return 'On-device recognition can be installed for this language; Start will try to install it.';
    default:
      return 'Cloud recognition: the browser sends audio to its speech service, which needs the network.';
  }
}

export function RecordPanel({ client, recorder, state }: Props) {
  const Recognition = useMemo(() => findSpeechRecognition(window), []);
  const [kind, setKind] = useState<SourceKind>(Recognition ? 'microphone' : 'demo');
  const [speed, setSpeed] = useState<DemoSpeed>(1);
  const [lang, setLang] = useState(defaultLanguage);
  const [replay, setReplay] = useState<ReplayChoice | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [availability, setAvailability] = useState<OnDeviceAvailability | 'checking'>('checking');
  const [now, setNow] = useState(Date.now());
  const busy = state.phase !== 'idle';
  const recording = state.phase === 'recording' || state.phase === 'starting';

  useEffect(() => {
    if (kind !== 'microphone' || !Recognition) return;
    let live = true;
    setAvailability('checking');
    void MicrophoneSource.onDeviceAvailability(Recognition, lang).then((a) => live && setAvailability(a));
    return () => {
      live = false;
    };
  }, [kind, lang, Recognition]);

  useEffect(() => {
    if (!busy) return;
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [busy]);

  const start = async () => {
    if (busy) return;
    setFileError(null);
    let source: TranscriptSource;
    let title: string;
    const clock = new Date().toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
    if (kind === 'demo') {
      const chosen = replay ?? { name: 'sample', script: await loadSample() };
      if (!chosen.script.ok) {
        setFileError(chosen.script.error);
        return;
      }
      source = new DemoSource(chosen.script.lines, speed, realScheduler, chosen.script.lang);
      title = `Demo · ${chosen.name} · ${clock}`;
    } else {
      source = new MicrophoneSource(Recognition, realScheduler, { lang });
      title = `Microphone · ${clock}`;
    }
    await recorder.start(source, title);
  };

  const stop = () => void recorder.stop();

  // Ctrl+Enter (⌘+Enter on a Mac) starts and stops recording from anywhere on the page.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Enter' || !(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey)
        return;
      event.preventDefault();
      if (recorder.state.phase === 'idle') void start();
      else if (recorder.state.phase === 'recording') stop();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  });

  const onFile = async (event: Event) => {
    const input = event.currentTarget as HTMLInputElement;
    const file = input.files?.[0];
    setFileError(null);
    if (!file) {
      setReplay(null);
      return;
    }
    if (file.size > 64 * 1024 * 1024) {
      setFileError('This file is too large to replay (more than 64 MB).');
      input.value = '';
      return;
    }
    const script = parseReplayFile(file.name, await file.text());
    if (!script.ok) {
      setFileError(script.error);
      setReplay(null);
      input.value = '';
      return;
    }
    setReplay({ name: file.name, script });
  };

  const elapsed = state.startedAt === null ? 0 : (busy ? now : (state.stoppedAt ?? now)) - state.startedAt;

  return (
    <section class="panel record" aria-labelledby="record-heading">
      <h2 id="record-heading">Record</h2>
      <div class="controls">
        <label class="field">
          <span>Source</span>
          <select
            value={kind}
            disabled={busy}
            onChange={(e) => setKind((e.currentTarget as HTMLSelectElement).value as SourceKind)}
          >
            <option value="microphone">Microphone</option>
            <option value="demo">Demo</option>
          </select>
        </label>
        {kind === 'demo' ? (
          <>
            <label class="field">
              <span>Replay file</span>
              <input
                type="file"
                accept=".txt,.json,text/plain,application/json"
                disabled={busy}
                onChange={onFile}
              />
            </label>
            <label class="field">
              <span>Speed</span>
              <select
                value={String(speed)}
                disabled={busy}
                onChange={(e) => setSpeed(Number((e.currentTarget as HTMLSelectElement).value) as DemoSpeed)}
              >
                {DEMO_SPEEDS.map((s) => (
                  <option key={s} value={String(s)}>
                    {s}×
                  </option>
                ))}
              </select>
            </label>
          </>
        ) : (
          <label class="field">
            <span>Language</span>
            <select
              value={lang}
              disabled={busy}
              onChange={(e) => setLang((e.currentTarget as HTMLSelectElement).value)}
            >
              {LANGUAGES.map((l) => (
                <option key={l} value={l}>
                  {l}
                </option>
              ))}
            </select>
          </label>
        )}
        <div class="buttons">
          <button
            type="button"
            class="primary"
            onClick={() => void start()}
            disabled={busy}
            aria-keyshortcuts="Control+Enter"
          >
            Start
          </button>
          <button
            type="button"
            onClick={stop}
            disabled={state.phase !== 'recording'}
            aria-keyshortcuts="Control+Enter"
          >
            Stop
          </button>
        </div>
      </div>
      <p class="hint">
        {kind === 'demo'
          ? `Replays ${replay ? `“${replay.name}”` : 'the bundled sample meeting'} word by word. A .txt file has one utterance per line; a .json file is a Scribe Vault export.`
          : Recognition
            ? modeNote(availability)
            : ''}{' '}
        Shortcut: <kbd>Ctrl</kbd>+<kbd>Enter</kbd> (<kbd>⌘</kbd>+<kbd>Enter</kbd> on a Mac) starts and stops.
      </p>
      {kind === 'microphone' && !Recognition && (
        <p class="notice warning" role="alert">
          This browser has no speech recognition (Web Speech API). Try Chrome or Edge, or{' '}
          <button type="button" class="link" onClick={() => setKind('demo')}>
            use the Demo source
          </button>
          .
        </p>
      )}
      {fileError && (
        <p class="notice error" role="alert">
          {fileError}
        </p>
      )}
      {state.error && (
        <p class="notice error" role="alert">
          {state.error}
        </p>
      )}
      <div class="statusbar">
        <span class={`phase phase-${state.phase}`}>
          {state.phase === 'idle'
            ? 'Ready'
            : state.phase === 'starting'
              ? 'Starting…'
              : state.phase === 'stopping'
                ? 'Stopping…'
                : 'Recording'}
        </span>
        <span class="elapsed" aria-label="Elapsed time">
          {formatClock(elapsed)}
        </span>
        <DurabilityIndicator client={client} />
        {state.status && <span class="source-status">{state.status}</span>}
      </div>
      <LiveLog transcript={state.transcript} recording={recording} />
    </section>
  );
}
