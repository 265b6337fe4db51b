import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { EXPORT_FORMATS, type ExportFormat } from '../export/formats.ts';
import type { SessionMeta } from '../shared/persistence-api.ts';
import type { PersistenceClient } from '../shared/persistence-client.ts';
import { ConfirmDialog } from './ConfirmDialog.tsx';
import { downloadDiagnostics, exportAll, exportSession, importFile } from './export-actions.ts';
import { formatBytes, formatDateTime, formatDuration } from './format.ts';

export const PAGE_SIZE = 50;
const SEARCH_DEBOUNCE_MS = 250;

const FORMAT_LABELS: Record<ExportFormat, string> = { txt: 'TXT', srt: 'SRT', vtt: 'WebVTT', json: 'JSON' };

interface Props {
  client: PersistenceClient;
  /** Changes when the list must be re-read (a recording started or stopped). */
  refreshKey: unknown;
  activeSessionId: string | null;
  /** Finals so far in the session being recorded (its index row is only updated at checkpoints). */
  activeFinals: number;
  /** The session shown in the read-only view, highlighted in the list. */
  openedId: string | null;
  onOpen: (meta: SessionMeta) => void;
  /** Told about renames and deletions so an open view of that session stays in step. */
  onChanged: (sessionId: string, meta: SessionMeta | null) => void;
}

type Notice = { tone: 'ok' | 'error'; text: string } | null;

function statusLabel(meta: SessionMeta, activeSessionId: string | null): string | null {
  if (meta.id === activeSessionId) return 'Recording';
  switch (meta.status) {
    case 'recovered':
      return 'Recovered';
    case 'imported':
      return 'Imported';
    case 'interrupted':
      return 'Interrupted';
    case 'recording':
      return 'In another tab';
    default:
      return null;
  }
}

export function SessionsPanel({
  client,
  refreshKey,
  activeSessionId,
  activeFinals,
  openedId,
  onOpen,
  onChanged,
}: Props) {
  const [search, setSearch] = useState('');
  const [query, setQuery] = useState('');
  const [sessions, setSessions] = useState<SessionMeta[]>([]);
  const [total, setTotal] = useState(0);
  const [loading, setLoading] = useState(false);
  const [notice, setNotice] = useState<Notice>(null);
  const [renaming, setRenaming] = useState<string | null>(null);
  const [exporting, setExporting] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<SessionMeta | null>(null);
  const importInput = useRef<HTMLInputElement>(null);
  /** Only the newest request may update the list (typing fast fires several). */
  const requestId = useRef(0);

  const load = useCallback(
    async (offset: number, append: boolean) => {
      const id = ++requestId.current;
      setLoading(true);
      try {
        const limit = append ? PAGE_SIZE : Math.max(PAGE_SIZE, offset);
        const page = await client.listSessions({
          offset: append ? offset : 0,
          limit,
          search: query || undefined,
        });
        if (id !== requestId.current) return;
        setSessions((old) => (append ? [...old, ...page.sessions] : page.sessions));
        setTotal(page.total);
      } catch (error) {
        if (id === requestId.current)
          setNotice({ tone: 'error', text: `Could not read sessions: ${(error as Error).message}` });
      } finally {
        if (id === requestId.current) setLoading(false);
      }
    },
    [client, query],
  );

  // Re-read from the top when the query changes, a recording starts/stops, or another tab changes the list.
  const shown = useRef(0);
  shown.current = sessions.length;
  useEffect(() => void load(shown.current, false), [load, refreshKey]);
  useEffect(
    () =>
      client.subscribe((event) => {
        if (event.type === 'sessions-changed' || event.type === 'session-stopped-elsewhere')
          void load(shown.current, false);
      }),
    [client, load],
  );
  useEffect(() => {
    const timer = setTimeout(() => setQuery(search.trim()), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [search]);

  const run = async (action: () => Promise<string | void>, failure: string) => {
    try {
      const text = await action();
      if (text) setNotice({ tone: 'ok', text });
    } catch (error) {
      setNotice({ tone: 'error', text: `${failure}: ${(error as Error).message}` });
    }
  };

  const rename = (meta: SessionMeta, title: string) =>
    run(async () => {
      setRenaming(null);
      const trimmed = title.trim();
      if (trimmed === meta.title || trimmed === '') return;
      const updated = await client.renameSession(meta.id, trimmed);
      setSessions((list) => list.map((s) => (s.id === meta.id ? updated : s)));
      onChanged(meta.id, updated);
    }, 'Could not rename');

  const confirmDelete = (meta: SessionMeta) =>
    run(async () => {
      setDeleting(null);
      await client.deleteSession(meta.id);
      setSessions((list) => list.filter((s) => s.id !== meta.id));
      onChanged(meta.id, null);
      setTotal((t) => t - 1);
      return `Deleted “${meta.title || 'Untitled session'}”.`;
    }, 'Could not delete');

  const onImport = async (event: Event) => {
    const input = event.currentTarget as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    const outcome = await importFile(client, file);
    setNotice({ tone: outcome.ok ? 'ok' : 'error', text: outcome.message });
    if (outcome.ok) void load(0, false);
  };

  return (
    <section class="panel sessions" aria-labelledby="sessions-heading">
      <div class="panel-head">
        <h2 id="sessions-heading">Sessions</h2>
        <span class="count" aria-live="polite">
          {loading && query ? 'Searching…' : query ? `${total} found` : `${total} total`}
        </span>
      </div>
      <div class="toolbar">
        <label class="field search">
          <span>Search sessions</span>
          <input
            type="search"
            value={search}
            placeholder="Title or words said"
            onInput={(e) => setSearch((e.currentTarget as HTMLInputElement).value)}
          />
        </label>
        <div class="buttons wrap">
          <button
            type="button"
            onClick={() =>
              void run(async () => `Exported ${await exportAll(client)} sessions.`, 'Export failed')
            }
          >
            Export all
          </button>
          <label class="button">
            Import…
            <input
              ref={importInput}
              class="visually-hidden"
              type="file"
              accept=".json,application/json"
              aria-label="Import sessions"
              onChange={onImport}
            />
          </label>
          <button
            type="button"
            onClick={() => void run(() => downloadDiagnostics(client), 'Diagnostics failed')}
          >
            Download diagnostics
          </button>
        </div>
      </div>
      {notice && (
        <p
          class={`notice ${notice.tone}`}
          role={notice.tone === 'error' ? 'alert' : undefined}
          aria-live="polite"
        >
          {notice.text}
          <button
            type="button"
            class="link dismiss"
            aria-label="Dismiss message"
            onClick={() => setNotice(null)}
          >
            ×
          </button>
        </p>
      )}
      <ul role="list" aria-label="Sessions" class="session-list" aria-busy={loading}>
        {sessions.map((meta) => {
          const badge = statusLabel(meta, activeSessionId);
          return (
            <li
              key={meta.id}
              class={meta.id === openedId ? 'session opened' : 'session'}
              data-session-id={meta.id}
              aria-current={meta.id === openedId ? 'true' : undefined}
            >
              {renaming === meta.id ? (
                <RenameForm
                  meta={meta}
                  onSave={(t) => void rename(meta, t)}
                  onCancel={() => setRenaming(null)}
                />
              ) : (
                <button type="button" class="title link" onClick={() => onOpen(meta)}>
                  {meta.title || 'Untitled session'}
                </button>
              )}
              <div class="meta">
                <time dateTime={new Date(meta.startedAt).toISOString()}>
                  {formatDateTime(meta.startedAt)}
                </time>
                {meta.id === activeSessionId ? (
                  <span>
                    {activeFinals} utterance{activeFinals === 1 ? '' : 's'} so far
                  </span>
                ) : (
                  <>
                    <span>{formatDuration(meta.durationMs)}</span>
                    <span>{formatBytes(meta.bytes)}</span>
                    <span>
                      {meta.finals} utterance{meta.finals === 1 ? '' : 's'}
                    </span>
                  </>
                )}
                {badge && <span class={`badge badge-${meta.status}`}>{badge}</span>}
                {meta.hasUncertain && <span class="badge badge-uncertain">Uncertain text</span>}
              </div>
              <div class="actions">
                <button type="button" onClick={() => setRenaming(meta.id)}>
                  Rename
                </button>
                <button
                  type="button"
                  aria-expanded={exporting === meta.id}
                  onClick={() => setExporting(exporting === meta.id ? null : meta.id)}
                >
                  Export
                </button>
                <button
                  type="button"
                  class="danger-text"
                  onClick={() => setDeleting(meta)}
                  disabled={meta.id === activeSessionId}
                >
                  Delete
                </button>
              </div>
              {exporting === meta.id && (
                <div
                  class="export-menu"
                  role="group"
                  aria-label={`Export formats for ${meta.title || 'Untitled session'}`}
                >
                  {EXPORT_FORMATS.map((f) => (
                    <button
                      key={f.format}
                      type="button"
                      title={f.label}
                      onClick={() =>
                        void run(async () => {
                          await exportSession(client, meta, f.format);
                          setExporting(null);
                        }, 'Export failed')
                      }
                    >
                      {FORMAT_LABELS[f.format]}
                    </button>
                  ))}
                </div>
              )}
            </li>
          );
        })}
      </ul>
      {sessions.length === 0 && !loading && (
        <p class="placeholder">
          {query ? `No session matches “${query}”.` : 'No sessions yet. Record one with Start.'}
        </p>
      )}
      {sessions.length < total && (
        <button
          type="button"
          class="load-more"
          disabled={loading}
          onClick={() => void load(sessions.length, true)}
        >
          Load more ({total - sessions.length} more)
        </button>
      )}
      {deleting && (
        <ConfirmDialog
          title="Delete this session?"
          body={`“${deleting.title || 'Untitled session'}” and every byte of its transcript will be erased from this device. This cannot be undone.`}
          confirmLabel="Delete"
          onConfirm={() => void confirmDelete(deleting)}
          onCancel={() => setDeleting(null)}
        />
      )}
    </section>
  );
}

function RenameForm({
  meta,
  onSave,
  onCancel,
}: {
  meta: SessionMeta;
  onSave: (title: string) => void;
  onCancel: () => void;
}) {
  const [value, setValue] = useState(meta.title);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, []);
  return (
    <form
      class="rename"
      onSubmit={(e) => {
        e.preventDefault();
        onSave(value);
      }}
    >
      <input
        ref={input}
        aria-label="Session title"
        value={value}
        maxLength={200}
        onInput={(e) => setValue((e.currentTarget as HTMLInputElement).value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault();
            onCancel();
          }
        }}
      />
      <button type="submit">Save</button>
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
    </form>
  );
}
