/**
 * Turns a file picked for the Demo source (or the bundled sample) into a replay script:
 * .txt — one utterance per line, timed at a natural speaking pace;
 * .json — the app's export format, replayed with its recorded timings.
 */
import { parseExportFile } from '../export/import-validate.ts';

export interface ScriptLine {
  text: string;
  /** Offset from the start of the replay (at 1×), ms. */
  startMs: number;
  endMs: number;
  confidence: number | null;
}

export type ReplayScript = { ok: true; lines: ScriptLine[]; lang: string } | { ok: false; error: string };

/** About 160 words per minute with a pause between utterances: sounds like a person talking. */
export const MS_PER_WORD = 375;
export const PAUSE_MS = 700;
export const MAX_REPLAY_LINES = 100_000;

export function words(text: string): string[] {
  return text.split(/\s+/).filter((w) => w !== '');
}

export function scriptFromText(text: string): ReplayScript {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  if (lines.length === 0) return { ok: false, error: 'This text file has no lines to replay.' };
  if (lines.length > MAX_REPLAY_LINES) {
    return { ok: false, error: `This file has too many lines to replay (at most ${MAX_REPLAY_LINES}).` };
  }
  let at = 0;
  const script = lines.map((line) => {
    const startMs = at;
    const endMs = startMs + Math.max(1, words(line).length) * MS_PER_WORD;
    at = endMs + PAUSE_MS;
    return { text: line, startMs, endMs, confidence: null };
  });
  return { ok: true, lines: script, lang: '' };
}

export function scriptFromExport(json: string): ReplayScript {
  const parsed = parseExportFile(json);
  if (!parsed.ok) return parsed;
  const session = parsed.file.sessions.find((s) => s.utterances.some((u) => u.text.trim() !== ''));
  if (!session) return { ok: false, error: 'This export has no transcript text to replay.' };
  const lines = session.utterances
    .filter((u) => u.text.trim() !== '')
    .sort((a, b) => a.startMs - b.startMs || a.index - b.index)
    .map((u) => ({ text: u.text.trim(), startMs: u.startMs, endMs: u.endMs, confidence: u.confidence }));
  return { ok: true, lines, lang: session.lang };
}

/** Picks the parser from the file name, falling back to sniffing for a JSON object. */
export function parseReplayFile(name: string, text: string): ReplayScript {
  const lower = name.toLowerCase();
  if (lower.endsWith('.json') || (!lower.endsWith('.txt') && text.trimStart().startsWith('{'))) {
    return scriptFromExport(text);
  }
  if (lower.endsWith('.txt') || !lower.includes('.')) return scriptFromText(text);
  return { ok: false, error: `Pick a .txt file (one utterance per line) or a Scribe Vault .json export.` };
}
