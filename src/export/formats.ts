/**
 * Per-session export formats: plain text, SubRip (SRT), WebVTT and the versioned JSON export.
 * Pure string building; the UI turns the result into a download.
 */
import type { SessionMeta, Utterance } from '../shared/persistence-api.ts';
import type { ExportFile } from '../shared/persistence-client.ts';

export type ExportFormat = 'txt' | 'srt' | 'vtt' | 'json';

export const EXPORT_FORMATS: ReadonlyArray<{ format: ExportFormat; label: string; mime: string }> = [
  { format: 'txt', label: 'Text (.txt)', mime: 'text/plain;charset=utf-8' },
  { format: 'srt', label: 'Subtitles (.srt)', mime: 'application/x-subrip;charset=utf-8' },
  { format: 'vtt', label: 'WebVTT (.vtt)', mime: 'text/vtt;charset=utf-8' },
  { format: 'json', label: 'JSON (full fidelity)', mime: 'application/json' },
];

/** What a text export needs of a session: its title, start time and utterances. */
export interface ExportableSession {
  title: string;
  startedAt: number;
  utterances: Utterance[];
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** "HH:MM:SS" + separator + "mmm" for SRT (",") and WebVTT ("."). Hours are not capped at 99. */
export function formatCueTime(ms: number, separator: ',' | '.'): string {
  const total = Math.max(0, Math.round(ms));
  const hours = Math.floor(total / 3_600_000);
  const minutes = Math.floor((total % 3_600_000) / 60_000);
  const seconds = Math.floor((total % 60_000) / 1000);
  return `${pad(hours, 2)}:${pad(minutes, 2)}:${pad(seconds, 2)}${separator}${pad(total % 1000, 3)}`;
}

/** "m:ss" under an hour, "h:mm:ss" above: for transcripts and durations shown to people. */
export function formatClock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  return hours > 0 ? `${hours}:${pad(minutes, 2)}:${pad(seconds, 2)}` : `${minutes}:${pad(seconds, 2)}`;
}

/** Utterances worth a cue: non-empty text, in time order. */
function cues(utterances: Utterance[]): Utterance[] {
  return utterances
    .filter((u) => u.text.trim() !== '')
    .slice()
    .sort((a, b) => a.startMs - b.startMs || a.index - b.index);
}

/** A cue must end after it starts; a zero-length final still gets a visible moment. */
function cueEnd(u: Utterance): number {
  return Math.max(u.endMs, u.startMs + 500);
}

/** Cue text may not contain blank lines (they end a cue in SRT and WebVTT). */
function singleBlock(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join('\n');
}

const UNCERTAIN_MARK = '[uncertain]';

export function toTxt(session: ExportableSession): string {
  const lines = [session.title || 'Untitled session', new Date(session.startedAt).toISOString(), ''];
  for (const u of cues(session.utterances)) {
    const mark = u.uncertain ? ` ${UNCERTAIN_MARK}` : '';
    lines.push(`[${formatClock(u.startMs)}] ${singleBlock(u.text).replace(/\n/g, ' ')}${mark}`);
  }
  return lines.join('\n') + '\n';
}

export function toSrt(session: ExportableSession): string {
  return cues(session.utterances)
    .map((u, i) => {
      const text = singleBlock(u.text) + (u.uncertain ? ` ${UNCERTAIN_MARK}` : '');
      return `${i + 1}\n${formatCueTime(u.startMs, ',')} --> ${formatCueTime(cueEnd(u), ',')}\n${text}\n`;
    })
    .join('\n');
}

/** WebVTT cue text is HTML-like: &, < and > must be escaped (this also rules out a stray "-->"). */
export function escapeVttText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function toVtt(session: ExportableSession): string {
  const title = singleBlock(session.title).replace(/\n/g, ' ').replace(/-->/g, '→');
  const header = title ? `WEBVTT - ${title}\n` : 'WEBVTT\n';
  const body = cues(session.utterances).map((u) => {
    const text = escapeVttText(singleBlock(u.text)) + (u.uncertain ? ` ${UNCERTAIN_MARK}` : '');
    return `${formatCueTime(u.startMs, '.')} --> ${formatCueTime(cueEnd(u), '.')}\n${text}\n`;
  });
  return [header, ...body].join('\n');
}

export function toJson(file: ExportFile): string {
  return JSON.stringify(file, null, 2) + '\n';
}

/** A file name safe on every OS: title (or "session") + local date, e.g. "Standup 2026-11-23 14-05.srt". */
export function exportFileName(meta: Pick<SessionMeta, 'title' | 'startedAt'>, format: ExportFormat): string {
  const d = new Date(meta.startedAt);
  const stamp = `${d.getFullYear()}-${pad(d.getMonth() + 1, 2)}-${pad(d.getDate(), 2)} ${pad(d.getHours(), 2)}-${pad(d.getMinutes(), 2)}`;
  const title = meta.title
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f<>:"/\\|?*]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 80)
    .replace(/[. ]+$/, '');
  return `${title || 'session'} ${stamp}.${format}`;
}

export function formatSession(file: ExportFile, format: ExportFormat): string {
  if (format === 'json') return toJson(file);
  const session = file.sessions[0];
  if (!session) throw new Error('The export holds no session.');
  const exportable = { title: session.title, startedAt: session.startedAt, utterances: session.utterances };
  return format === 'txt' ? toTxt(exportable) : format === 'srt' ? toSrt(exportable) : toVtt(exportable);
}
