/**
 * How an export travels to the formatting worker without one long task on the main thread: the
 * session headers first, then the utterances in slices (each slice is a short structured clone, and
 * the sender yields to the event loop between them), then "finish". The worker puts the file back
 * together and formats it with the same `formatSession` as ever, so the file's bytes do not change.
 * Pure: tested in Node.
 */
import type { ExportFormat } from '../export/formats.ts';
import type { Utterance } from '../shared/persistence-api.ts';
import type { ExportFile } from '../shared/persistence-client.ts';

export type ExportJobMessage =
  | { kind: 'start'; format: ExportFormat; mime: string; file: ExportFile }
  | { kind: 'utterances'; session: number; utterances: Utterance[] }
  | { kind: 'finish' };

/** The worker's answer to "finish". */
export type ExportJobResult = { ok: true; blob: Blob } | { ok: false; message: string };

/** The messages that carry `file`: its sessions with empty utterance lists, then slices, then finish. */
export function* exportJobMessages(
  file: ExportFile,
  format: ExportFormat,
  mime: string,
  sliceSize: number,
): Generator<ExportJobMessage> {
  if (!Number.isInteger(sliceSize) || sliceSize < 1)
    throw new RangeError('slice size must be a positive integer');
  // Spreading keeps every key where it was (the JSON export's key order is part of its bytes).
  const headers: ExportFile = { ...file, sessions: file.sessions.map((s) => ({ ...s, utterances: [] })) };
  yield { kind: 'start', format, mime, file: headers };
  for (let session = 0; session < file.sessions.length; session++) {
    const utterances = file.sessions[session]!.utterances;
    for (let from = 0; from < utterances.length; from += sliceSize) {
      yield { kind: 'utterances', session, utterances: utterances.slice(from, from + sliceSize) };
    }
  }
  yield { kind: 'finish' };
}

/** Rebuilds the file from the messages, in order. Throws on a message out of protocol. */
export class ExportAssembler {
  private file: ExportFile | null = null;
  format: ExportFormat | null = null;
  mime = '';

  /** Returns the whole file on "finish", null before. */
  accept(message: ExportJobMessage): ExportFile | null {
    if (message.kind === 'start') {
      this.file = message.file;
      this.format = message.format;
      this.mime = message.mime;
      return null;
    }
    const file = this.file;
    if (!file) throw new Error('The export was sent out of order (no start).');
    if (message.kind === 'finish') return file;
    const session = file.sessions[message.session];
    if (!session) throw new Error(`The export was sent out of order (no session ${message.session}).`);
    for (const u of message.utterances) session.utterances.push(u);
    return null;
  }
}
