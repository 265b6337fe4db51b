import { useEffect, useMemo, useState } from 'preact/hooks';
import { EXPORT_FORMATS, type ExportFormat } from '../export/formats.ts';
import type { SessionMeta, SessionTranscript } from '../shared/persistence-api.ts';
import type { PersistenceClient } from '../shared/persistence-client.ts';
import { exportSession } from './export-actions.ts';
import { formatBytes, formatDateTime, formatDuration } from './format.ts';
import { TRANSCRIPT_CHUNK_LINES, TranscriptList, type RevealRequest } from './TranscriptList.tsx';

const SHORT_LABELS: Record<ExportFormat, string> = { txt: 'TXT', srt: 'SRT', vtt: 'WebVTT', json: 'JSON' };

interface Props {
  client: PersistenceClient;
  meta: SessionMeta;
  onClose: () => void;
}

/** A past session, read-only. Text rebuilt from a partial after a crash is marked as uncertain. */
export function SessionView({ client, meta, onClose }: Props) {
  const [transcript, setTranscript] = useState<SessionTranscript | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [reveal, setReveal] = useState<RevealRequest | null>(null);

  useEffect(() => {
    let live = true;
    setTranscript(null);
    setError(null);
    setReveal(null);
    client.readSession(meta.id).then(
      (t) => live && setTranscript(t),
      (e: unknown) => live && setError(`Could not open this session: ${(e as Error).message}`),
    );
    return () => {
      live = false;
    };
  }, [client, meta.id]);

  // The list may rename the session while it is open: its title wins over the loaded copy.
  const shown = transcript ? { ...transcript.meta, title: meta.title } : meta;
  const uncertain = useMemo(
    () => transcript?.utterances.filter((u) => u.uncertain).length ?? 0,
    [transcript],
  );
  const firstUncertain = useMemo(
    () => transcript?.utterances.findIndex((u) => u.uncertain) ?? -1,
    [transcript],
  );

  return (
    <section class="panel session-view" aria-labelledby="session-view-heading">
      <div class="panel-head">
        <h2 id="session-view-heading">{shown.title || 'Untitled session'}</h2>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      <p class="meta">
        <span>{formatDateTime(shown.startedAt)}</span>
        <span>{formatDuration(shown.durationMs)}</span>
        <span>{formatBytes(shown.bytes)}</span>
        <span>{shown.source}</span>
        {shown.lang && <span>{shown.lang}</span>}
      </p>
      <div class="buttons wrap downloads" role="group" aria-label="Download this session">
        <span class="muted">Download</span>
        {EXPORT_FORMATS.map((f) => (
          <button
            key={f.format}
            type="button"
            title={f.label}
            aria-label={`Download ${SHORT_LABELS[f.format]}`}
            onClick={() =>
              void exportSession(client, shown, f.format).catch((e: Error) =>
                setError(`Export failed: ${e.message}`),
              )
            }
          >
            {SHORT_LABELS[f.format]}
          </button>
        ))}
      </div>
      {uncertain > 0 && (
        <p class="notice warning">
          {uncertain} utterance{uncertain === 1 ? ' was' : 's were'} rebuilt from unfinished text after an
          unexpected shutdown and may be incomplete. {uncertain === 1 ? 'It is' : 'They are'} marked
          “uncertain”.
          {firstUncertain >= TRANSCRIPT_CHUNK_LINES && (
            <>
              {' '}
              <button type="button" class="link" onClick={() => setReveal({ line: firstUncertain })}>
                Show the {uncertain === 1 ? 'uncertain line' : 'first uncertain line'}
              </button>
            </>
          )}
        </p>
      )}
      {error && (
        <p class="notice error" role="alert">
          {error}
        </p>
      )}
      {transcript === null && !error && <p class="placeholder">Loading…</p>}
      {transcript && transcript.utterances.length === 0 && (
        <p class="placeholder">This session has no text.</p>
      )}
      {transcript && transcript.utterances.length > 0 && (
        <TranscriptList key={meta.id} utterances={transcript.utterances} reveal={reveal} />
      )}
    </section>
  );
}
