/**
 * Service worker registration through workbox-window with an update prompt: a new version waits
 * until the user accepts it (registerType 'prompt'), so a reload never happens mid-recording.
 */
import { Workbox } from 'workbox-window';

export interface UpdateHandle {
  /** Activates the waiting service worker, then reloads the page once it controls it. */
  apply(): void;
}

export function registerServiceWorker(onUpdateWaiting: (update: UpdateHandle) => void): void {
  if (!('serviceWorker' in navigator) || !import.meta.env.PROD) return;
  const wb = new Workbox(`${import.meta.env.BASE_URL}sw.js`, { scope: import.meta.env.BASE_URL });
  wb.addEventListener('waiting', () => {
    onUpdateWaiting({
      apply() {
        wb.addEventListener('controlling', () => window.location.reload());
        wb.messageSkipWaiting();
      },
    });
  });
  void wb.register().catch((error: unknown) => console.warn('Service worker registration failed', error));
}
