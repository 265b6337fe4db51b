/**
 * Relays the engine's events to the window. The engine emits 'flushed' after every final and every
 * 20 partials — hundreds per second while a backlog drains — and each one sent is a message the
 * main thread must take. The UI only shows the time of the latest flush ("Saved · 0.2 s ago",
 * redrawn every 200 ms), so 'flushed' is coalesced: the first is sent at once, later ones at most
 * every `intervalMs`, and the latest always arrives (at most `intervalMs` late). Every other event
 * (errors, error-cleared, recovery, overflow, sessions-changed…) is sent at once, after any
 * 'flushed' still held back, so the order of events is kept. Pure: no worker globals.
 */
import type { PersistenceEvent } from '../shared/persistence-api.ts';
import type { Timers } from '../store/types.ts';

export const FLUSHED_EVENT_INTERVAL_MS = 100;

export class EventRelay {
  private heldFlushed: PersistenceEvent | null = null;
  private timer: unknown = null;

  constructor(
    private readonly send: (event: PersistenceEvent) => void,
    private readonly timers: Timers,
    private readonly intervalMs = FLUSHED_EVENT_INTERVAL_MS,
  ) {}

  push(event: PersistenceEvent): void {
    if (event.type !== 'flushed') {
      this.releaseHeld();
      this.send(event);
      return;
    }
    if (this.timer !== null) {
      this.heldFlushed = event; // only the latest matters
      return;
    }
    this.send(event);
    this.startWindow();
  }

  /** Sends a held 'flushed' now and stops the timer (worker closing). */
  close(): void {
    this.releaseHeld();
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  private startWindow(): void {
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      if (this.heldFlushed) {
        this.releaseHeld();
        this.startWindow();
      }
    }, this.intervalMs);
  }

  private releaseHeld(): void {
    const held = this.heldFlushed;
    this.heldFlushed = null;
    if (held) this.send(held);
  }
}
