/**
 * The Demo source: replays a script word by word — a partial after each word, then the final — at
 * 1×, 4× or 20×. Times in the emitted events are on the script's own timeline (unscaled), so a
 * replayed recording keeps its original timestamps whatever the speed.
 */
import { words, type ScriptLine } from './replay-file.ts';
import type { Scheduler, SourceListener, TranscriptSource } from './source.ts';

export const DEMO_SPEEDS = [1, 4, 20] as const;
export type DemoSpeed = (typeof DEMO_SPEEDS)[number];
/** Longest pause between utterances the replay waits for (script time, before the speed-up). */
export const MAX_REPLAYED_SILENCE_MS = 3000;

export class DemoSource implements TranscriptSource {
  readonly kind = 'demo' as const;
  private listener: SourceListener | null = null;
  private timer: unknown = null;
  private line = 0;
  private word = 0;
  private running = false;
  private readonly lines: ScriptLine[];

  constructor(
    lines: ScriptLine[],
    private readonly speed: DemoSpeed,
    private readonly scheduler: Scheduler,
    readonly lang = '',
  ) {
    this.lines = lines.map((l) => ({ ...l, text: l.text.trim() })).filter((l) => l.text !== '');
  }

  async start(listener: SourceListener): Promise<void> {
    if (this.running) throw new Error('The demo is already running.');
    if (this.lines.length === 0) throw new Error('There is nothing to replay.');
    this.listener = listener;
    this.running = true;
    this.line = 0;
    this.word = 0;
    this.listener({ type: 'status', message: `Replaying ${this.lines.length} utterances at ${this.speed}×` });
    const first = this.lines[0]!;
    this.scheduleNext(this.timeOfWord(first, 1) - first.startMs);
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.scheduler.clearTimeout(this.timer);
    // Close the utterance in progress with what was already "said": nothing shown is dropped.
    const current = this.lines[this.line];
    if (current && this.word > 0) {
      const spoken = words(current.text).slice(0, this.word).join(' ');
      this.emitFinal(current, spoken, this.timeOfWord(current, this.word));
    }
    this.finish('stopped');
  }

  /** Script time of the moment word number `n` (1-based) of `line` has been said. */
  private timeOfWord(line: ScriptLine, n: number): number {
    const count = words(line.text).length;
    return Math.round(line.startMs + ((line.endMs - line.startMs) * n) / count);
  }

  private scheduleNext(delayScriptMs: number): void {
    this.timer = this.scheduler.setTimeout(() => this.step(), Math.max(0, delayScriptMs) / this.speed);
  }

  private step(): void {
    if (!this.running || !this.listener) return;
    const line = this.lines[this.line]!;
    const lineWords = words(line.text);
    if (this.word < lineWords.length) {
      this.word += 1;
      this.listener({
        type: 'partial',
        utterance: this.line,
        startMs: line.startMs,
        text: lineWords.slice(0, this.word).join(' '),
      });
      const previous = this.timeOfWord(line, this.word);
      const next = this.word < lineWords.length ? this.timeOfWord(line, this.word + 1) : line.endMs;
      this.scheduleNext(next - previous);
      return;
    }
    this.emitFinal(line, line.text, line.endMs);
    this.line += 1;
    this.word = 0;
    const following = this.lines[this.line];
    if (!following) {
      this.finish('finished');
      return;
    }
    // Silence between utterances is replayed, but capped so a recording with long gaps stays lively;
    // the first word of the next line is heard one word-duration after that line starts.
    const silence = Math.min(MAX_REPLAYED_SILENCE_MS, Math.max(0, following.startMs - line.endMs));
    this.scheduleNext(silence + this.timeOfWord(following, 1) - following.startMs);
  }

  private emitFinal(line: ScriptLine, text: string, endMs: number): void {
    this.listener?.({
      type: 'final',
      utterance: this.line,
      startMs: line.startMs,
      endMs: Math.max(line.startMs, endMs),
      text,
      confidence: line.confidence,
    });
  }

  private finish(reason: 'finished' | 'stopped'): void {
    this.running = false;
    this.timer = null;
    const listener = this.listener;
    this.listener = null;
    listener?.({ type: 'ended', reason });
  }
}
