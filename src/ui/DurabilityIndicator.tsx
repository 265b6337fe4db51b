import { useEffect, useState } from 'preact/hooks';
import type { PersistenceClient } from '../shared/persistence-client.ts';
import { applyPersistenceEvent, describeDurability, INITIAL_DURABILITY } from './durability.ts';

/** "Saved · 0.2 s ago", or what stops saving (quota full, storage unavailable, file locked…). */
export function DurabilityIndicator({ client }: { client: PersistenceClient }) {
  const [state, setState] = useState(INITIAL_DURABILITY);
  const [now, setNow] = useState(Date.now());

  useEffect(() => client.subscribe((event) => setState((s) => applyPersistenceEvent(s, event))), [client]);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 200);
    return () => clearInterval(timer);
  }, []);

  const view = describeDurability(state, now, client.pendingCount());
  return (
    <span class={`durability tone-${view.tone}`} data-durability={view.tone} aria-live="polite">
      <span class="dot" aria-hidden="true" />
      {view.text}
    </span>
  );
}
