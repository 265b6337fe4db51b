import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { createPersistence } from './persistence/client.ts';
import type { PersistenceClient } from './shared/persistence-client.ts';
import { App } from './ui/App.tsx';
import { registerServiceWorker, type UpdateHandle } from './ui/sw-register.ts';
import './ui/app.css';

type Boot =
  { phase: 'loading' } | { phase: 'ready'; client: PersistenceClient } | { phase: 'failed'; message: string };

function Root() {
  const [boot, setBoot] = useState<Boot>({ phase: 'loading' });
  const [update, setUpdate] = useState<UpdateHandle | null>(null);

  useEffect(() => {
    registerServiceWorker(setUpdate);
    createPersistence().then(
      (client) => setBoot({ phase: 'ready', client }),
      (error: unknown) =>
        setBoot({ phase: 'failed', message: error instanceof Error ? error.message : String(error) }),
    );
  }, []);

  if (boot.phase === 'ready')
    return <App client={boot.client} update={update} onDismissUpdate={() => setUpdate(null)} />;
  return (
    <div class="app">
      <header class="topbar">
        <h1>Scribe Vault</h1>
      </header>
      <main class="boot">
        {boot.phase === 'loading' ? (
          <p class="placeholder">Opening storage and recovering any unsaved sessions…</p>
        ) : (
          <div class="notice error" role="alert">
            <p>Scribe Vault cannot open its storage in this browser, so it cannot record safely.</p>
            <p>{boot.message}</p>
            <p>
              Private windows and some browsers do not offer the storage it needs (Origin Private File
              System). Try a normal window of a current Chrome, Edge, Firefox or Safari.
            </p>
          </div>
        )}
      </main>
    </div>
  );
}

render(<Root />, document.getElementById('app')!);
