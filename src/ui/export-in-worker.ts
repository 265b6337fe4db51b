/**
 * Turns an export into a file (a Blob) without a long task on the main thread: the formatting and
 * the UTF-8 encoding run in a short-lived worker (export-format.worker.ts); the window only sends the
 * utterances over in slices, yielding to the event loop between them. Where no worker can start
 * (very old browser, worker script missing from an outdated offline cache), the window formats the
 * file itself: slower, but the export still works and its bytes are the same.
 */
import { formatSession, type ExportFormat } from '../export/formats.ts';
import type { ExportFile } from '../shared/persistence-client.ts';
import { exportJobMessages, type ExportJobResult } from './export-slices.ts';

/** Utterances per message: a structured clone of a few milliseconds, well under a long task. */
const SLICE_UTTERANCES = 2_000;

const yieldToEventLoop = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Thrown when the worker itself could not run (as opposed to refusing the file). */
class WorkerUnavailable extends Error {}

export async function formatToBlob(file: ExportFile, format: ExportFormat, mime: string): Promise<Blob> {
  if (typeof Worker === 'undefined') return new Blob([formatSession(file, format)], { type: mime });
  try {
    return await formatInWorker(file, format, mime);
  } catch (error) {
    if (!(error instanceof WorkerUnavailable)) throw error;
    return new Blob([formatSession(file, format)], { type: mime });
  }
}

async function formatInWorker(file: ExportFile, format: ExportFormat, mime: string): Promise<Blob> {
  const worker = new Worker(new URL('./export-format.worker.ts', import.meta.url), {
    type: 'module',
    name: 'export-format',
  });
  try {
    const answer = new Promise<Blob>((resolve, reject) => {
      worker.onmessage = (event: MessageEvent<ExportJobResult>) => {
        const result = event.data;
        if (result.ok) resolve(result.blob);
        else reject(new Error(result.message));
      };
      worker.onerror = (event) => {
        event.preventDefault();
        reject(new WorkerUnavailable(event.message || 'The export worker could not start.'));
      };
    });
    // A failure while sending must not leave the answer's rejection unhandled.
    answer.catch(() => undefined);
    // Yield after every SLICE_UTTERANCES sent, not after every message: "Export all" of thousands of
    // short sessions is thousands of small messages.
    let sinceYield = 0;
    for (const message of exportJobMessages(file, format, mime, SLICE_UTTERANCES)) {
      worker.postMessage(message);
      if (message.kind !== 'utterances') continue;
      sinceYield += message.utterances.length;
      if (sinceYield >= SLICE_UTTERANCES) {
        sinceYield = 0;
        await yieldToEventLoop();
      }
    }
    return await answer;
  } finally {
    worker.terminate();
  }
}
