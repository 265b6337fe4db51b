/** In-memory Web Locks and BroadcastChannel stand-ins so several engines can share one "origin" in a test. */
import type { PeerBus, PeerMessage, WriterLocks } from './types.ts';

export class MemoryLocks implements WriterLocks {
  readonly held = new Set<string>();
  private readonly named = new Map<string, Promise<unknown>>();

  async holdOwn(writerId: string): Promise<void> {
    this.held.add(writerId);
  }
  /** Simulates the tab holding `writerId` dying (its lock is released). */
  release(writerId: string): void {
    this.held.delete(writerId);
  }
  async heldWriterIds(): Promise<Set<string>> {
    return new Set(this.held);
  }
  async withLockIfFree<T>(writerId: string, fn: () => Promise<T>): Promise<{ value: T } | undefined> {
    if (this.held.has(writerId)) return undefined;
    this.held.add(writerId);
    try {
      return { value: await fn() };
    } finally {
      this.held.delete(writerId);
    }
  }
  async exclusive<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const before = this.named.get(name) ?? Promise.resolve();
    const run = before.then(fn, fn);
    this.named.set(
      name,
      run.catch(() => undefined),
    );
    return run;
  }
}

/** One shared channel; each engine gets a MemoryPeerBus attached to it. */
export class MemoryChannel {
  private readonly buses = new Set<MemoryPeerBus>();
  connect(): MemoryPeerBus {
    const bus = new MemoryPeerBus(this);
    this.buses.add(bus);
    return bus;
  }
  deliver(from: MemoryPeerBus, message: PeerMessage): void {
    for (const bus of this.buses) {
      if (bus !== from) queueMicrotask(() => bus.receive(message));
    }
  }
  disconnect(bus: MemoryPeerBus): void {
    this.buses.delete(bus);
  }
}

export class MemoryPeerBus implements PeerBus {
  private listeners: Array<(message: PeerMessage) => void> = [];
  constructor(private readonly channel: MemoryChannel) {}
  post(message: PeerMessage): void {
    this.channel.deliver(this, structuredClone(message));
  }
  onMessage(listener: (message: PeerMessage) => void): void {
    this.listeners.push(listener);
  }
  receive(message: PeerMessage): void {
    for (const l of this.listeners) l(message);
  }
  close(): void {
    this.channel.disconnect(this);
  }
}
