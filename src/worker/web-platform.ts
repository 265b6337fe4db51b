/** Web Locks, BroadcastChannel and timers behind the engine's WriterLocks / PeerBus / Timers seams. */
import { PersistenceError } from '../shared/persistence-api.ts';
import type { PeerBus, PeerMessage, Timers, WriterLocks } from '../store/types.ts';

/** The global setTimeout/clearTimeout as the Timers seam. */
export const browserTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export const WRITER_LOCK_PREFIX = 'scribe-vault-writer:';
export const CHANNEL_NAME = 'scribe-vault';

export class WebLocks implements WriterLocks {
  constructor() {
    if (typeof navigator === 'undefined' || !navigator.locks) {
      throw new PersistenceError(
        'opfs-unavailable',
        'This browser has no Web Locks API, which multi-tab safety needs.',
      );
    }
  }

  /** Requests the lock with a callback that never settles: it is held until this worker dies. */
  holdOwn(writerId: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      navigator.locks
        .request(WRITER_LOCK_PREFIX + writerId, () => {
          resolve();
          return new Promise<never>(() => undefined);
        })
        .catch(reject);
    });
  }

  async heldWriterIds(): Promise<Set<string>> {
    const state = await navigator.locks.query();
    const ids = new Set<string>();
    for (const lock of state.held ?? []) {
      if (lock.name?.startsWith(WRITER_LOCK_PREFIX)) ids.add(lock.name.slice(WRITER_LOCK_PREFIX.length));
    }
    return ids;
  }

  async withLockIfFree<T>(writerId: string, fn: () => Promise<T>): Promise<{ value: T } | undefined> {
    return navigator.locks.request(WRITER_LOCK_PREFIX + writerId, { ifAvailable: true }, async (lock) =>
      lock ? { value: await fn() } : undefined,
    );
  }

  async exclusive<T>(name: string, fn: () => Promise<T>): Promise<T> {
    return (await navigator.locks.request(name, () => fn())) as T;
  }
}

export class BroadcastPeerBus implements PeerBus {
  private readonly channel = new BroadcastChannel(CHANNEL_NAME);
  post(message: PeerMessage): void {
    this.channel.postMessage(message);
  }
  onMessage(listener: (message: PeerMessage) => void): void {
    this.channel.addEventListener('message', (e: MessageEvent<PeerMessage>) => listener(e.data));
  }
  close(): void {
    this.channel.close();
  }
}
