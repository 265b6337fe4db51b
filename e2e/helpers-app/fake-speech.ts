/**
 * A fake Web Speech recogniser injected with page.addInitScript: the test drives it through
 * `window.__fakeSpeech` (say / fail / end) the way Chrome's recogniser emits events.
 */
export function installFakeSpeech(): void {
  interface Instance {
    results: Array<{ text: string; isFinal: boolean }>;
    running: boolean;
    processLocally?: boolean;
    lang: string;
    onresult: ((event: unknown) => void) | null;
    onerror: ((event: { error: string }) => void) | null;
    onend: (() => void) | null;
  }
  const instances: Instance[] = [];
  class FakeSpeechRecognition {
    continuous = false;
    interimResults = false;
    lang = '';
    maxAlternatives = 1;
    processLocally?: boolean;
    onresult: ((event: unknown) => void) | null = null;
    onerror: ((event: { error: string }) => void) | null = null;
    onend: (() => void) | null = null;
    onstart: (() => void) | null = null;
    results: Array<{ text: string; isFinal: boolean }> = [];
    running = false;
    start() {
      if (!this.continuous || !this.interimResults)
        throw new Error('expected continuous interim recognition');
      this.running = true;
      instances.push(this);
    }
    stop() {
      // Chrome finalises pending results, then ends.
      const open = this.results.findIndex((r) => !r.isFinal);
      if (open >= 0) fake.say(open, this.results[open]!.text, true);
      fake.end();
    }
    abort() {
      fake.end();
    }
  }
  const current = () => {
    const instance = instances.at(-1);
    if (!instance?.running) throw new Error('no running recogniser');
    return instance;
  };
  const fake = {
    /** How many recognisers were started (one per run: restarts add one). */
    get runs() {
      return instances.length;
    },
    get running() {
      return instances.at(-1)?.running ?? false;
    },
    say(index: number, text: string, isFinal: boolean) {
      const r = current();
      r.results[index] = { text, isFinal };
      const results = r.results.map((x) =>
        Object.assign([{ transcript: x.text, confidence: 0.92 }], { isFinal: x.isFinal }),
      );
      r.onresult?.({ resultIndex: index, results });
    },
    fail(error: string) {
      current().onerror?.({ error });
    },
    end() {
      const r = instances.at(-1);
      if (!r?.running) return;
      r.running = false;
      setTimeout(() => r.onend?.(), 0);
    },
  };
  Object.assign(window, { SpeechRecognition: FakeSpeechRecognition, __fakeSpeech: fake });
}

export interface FakeSpeechHandle {
  runs: number;
  running: boolean;
  say(index: number, text: string, isFinal: boolean): void;
  fail(error: string): void;
  end(): void;
}
