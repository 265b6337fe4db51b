/** Test harness for the persistence engine: in-memory stores, a fake clock and helpers to "crash" a writer. */
import { VaultEngine, type EngineOptions } from '../src/store/engine.ts';
import { MemoryFileStore } from '../src/store/memory-file-store.ts';
import { MemoryMetaStore } from '../src/store/memory-meta-store.ts';
import { MemoryChannel, MemoryLocks } from '../src/store/memory-platform.ts';
import type { WalRecord } from '../src/core/records.ts';
import type { PersistenceEvent } from '../src/shared/persistence-api.ts';

export const T0 = 1_750_000_000_000;

export class Origin {
  readonly files = new MemoryFileStore();
  readonly meta = new MemoryMetaStore();
  readonly locks = new MemoryLocks();
  readonly channel = new MemoryChannel();
  time = T0;
  private counter = 0;

  async engine(
    writerId: string,
    options: EngineOptions = {},
  ): Promise<{ engine: VaultEngine; events: PersistenceEvent[] }> {
    const engine = new VaultEngine(
      {
        files: this.files,
        meta: this.meta,
        locks: this.locks,
        peers: this.channel.connect(),
        clock: { now: () => this.time },
        newId: () => `id${++this.counter}`,
      },
      options,
    );
    const events: PersistenceEvent[] = [];
    engine.subscribe((e) => events.push(e));
    await engine.init({ writerId, persisted: null });
    // Reconcile, retention and the search cache run after init() resolves; tests see their result.
    await engine.whenStartupWorkDone();
    return { engine, events };
  }

  /** The tab of `writerId` dies: its lock is released and its handles vanish, nothing is flushed or closed. */
  crash(writerId: string): void {
    this.locks.release(writerId);
    this.files.dropHandles((p) => p.includes(writerId));
  }

  advance(ms: number): void {
    this.time += ms;
  }

  /** Paths whose current bytes contain `marker` (UTF-8). */
  filesContaining(marker: string): string[] {
    const needle = new TextEncoder().encode(marker);
    return [...this.files.files].filter(([, f]) => includesBytes(f.bytes(), needle)).map(([p]) => p);
  }
}

export function includesBytes(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/** Builds a session's records the way the facade does (seq 0 = SESSION_START, then +1). */
export class SessionScript {
  private seq = 0;
  constructor(
    readonly id: string,
    private readonly clock: () => number,
  ) {}
  start(title = 'Test session'): WalRecord {
    return {
      type: 'session-start',
      sessionId: this.id,
      seq: this.seq++,
      at: this.clock(),
      title,
      source: 'demo',
      lang: 'en',
    };
  }
  partial(utterance: number, text: string): WalRecord {
    return {
      type: 'partial',
      sessionId: this.id,
      seq: this.seq++,
      at: this.clock(),
      utterance,
      startMs: utterance * 1000,
      text,
    };
  }
  final(utterance: number, text: string): WalRecord {
    return {
      type: 'final',
      sessionId: this.id,
      seq: this.seq++,
      at: this.clock(),
      utterance,
      startMs: utterance * 1000,
      endMs: utterance * 1000 + 900,
      text,
      confidence: 0.9,
    };
  }
  stop(): WalRecord {
    return { type: 'session-stop', sessionId: this.id, seq: this.seq++, at: this.clock(), reason: 'user' };
  }
  /** An utterance: `partials` growing partials then its final. */
  utterance(index: number, words: string[]): WalRecord[] {
    const out: WalRecord[] = [];
    for (let i = 1; i < words.length; i++) out.push(this.partial(index, words.slice(0, i).join(' ')));
    out.push(this.final(index, words.join(' ')));
    return out;
  }
}
