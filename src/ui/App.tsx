import { useEffect, useMemo, useState } from 'preact/hooks';
import type { SessionMeta } from '../shared/persistence-api.ts';
import type { PersistenceClient } from '../shared/persistence-client.ts';
import { RecordPanel } from './RecordPanel.tsx';
import { Recorder, type RecorderState } from './recorder.ts';
import { RecoveryBanner } from './RecoveryBanner.tsx';
import { SessionsPanel } from './SessionsPanel.tsx';
import { SessionView } from './SessionView.tsx';
import { StorageView } from './StorageView.tsx';
import type { UpdateHandle } from './sw-register.ts';
import { UpdatePrompt } from './UpdatePrompt.tsx';

type View = 'record' | 'storage';

interface Props {
  client: PersistenceClient;
  update: UpdateHandle | null;
  onDismissUpdate: () => void;
}

export function App({ client, update, onDismissUpdate }: Props) {
  const recorder = useMemo(() => new Recorder(client), [client]);
  const [state, setState] = useState<RecorderState>(recorder.state);
  const [view, setView] = useState<View>('record');
  const [opened, setOpened] = useState<SessionMeta | null>(null);
  const [showRecovery, setShowRecovery] = useState(
    client.recovery.recovered.length > 0 || client.recovery.skipped.length > 0,
  );
  useEffect(() => recorder.subscribe(setState), [recorder]);

  // No beforeunload prompt while recording: every acknowledged record is already on disk, and a
  // beforeunload handler would also keep the page out of the back/forward cache.

  // The row is enough: SessionView reads the transcript itself (reading it here too doubled the
  // cost of opening an 8-hour session from the recovery banner).
  const openById = async (sessionId: string) => {
    const meta = await client.getSession(sessionId);
    setView('record');
    setOpened(meta);
  };

  const recording = state.phase !== 'idle';
  // The list re-reads when a recording starts (new row) and when it is stopped (final size/duration).
  const refreshKey = `${state.sessionId ?? ''}|${state.lastSession?.id ?? ''}|${state.stoppedAt ?? ''}`;

  return (
    <div class="app">
      <header class="topbar">
        <h1>
          <img src={`${import.meta.env.BASE_URL}icons/icon-192.png`} alt="" width={28} height={28} />
          Scribe Vault
        </h1>
        <nav aria-label="Views">
          <button
            type="button"
            aria-current={view === 'record' ? 'page' : undefined}
            onClick={() => setView('record')}
          >
            Record
          </button>
          <button
            type="button"
            aria-current={view === 'storage' ? 'page' : undefined}
            onClick={() => setView('storage')}
          >
            Storage
          </button>
        </nav>
      </header>
      {update && <UpdatePrompt update={update} recording={recording} onLater={onDismissUpdate} />}
      {showRecovery && (
        <RecoveryBanner
          report={client.recovery}
          onOpen={(id) => void openById(id)}
          onDismiss={() => setShowRecovery(false)}
        />
      )}
      <main>
        {view === 'storage' ? (
          <StorageView client={client} />
        ) : (
          <div class="layout">
            <div class="column">
              {opened ? (
                <SessionView client={client} meta={opened} onClose={() => setOpened(null)} />
              ) : (
                <RecordPanel client={client} recorder={recorder} state={state} />
              )}
              {opened && recording && (
                <p class="notice warning">
                  Still recording in the background.{' '}
                  <button type="button" class="link" onClick={() => setOpened(null)}>
                    Back to the live transcript
                  </button>
                </p>
              )}
            </div>
            <SessionsPanel
              client={client}
              refreshKey={refreshKey}
              activeSessionId={state.sessionId}
              activeFinals={state.transcript.finals}
              openedId={opened?.id ?? null}
              onOpen={setOpened}
              onChanged={(id, meta) => setOpened((current) => (current?.id === id ? meta : current))}
            />
          </div>
        )}
      </main>
      <footer class="footer">
        <p>
          Everything stays in this browser: no account, no upload. Text is written to disk as it arrives and
          survives a crash.
        </p>
      </footer>
    </div>
  );
}
