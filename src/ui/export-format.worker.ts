/**
 * Formats one export (TXT, SRT, WebVTT or JSON) off the main thread and answers with a Blob, which
 * crosses back by reference. An 8-hour session is ~37,000 utterances: building its text and
 * encoding it as UTF-8 takes 100–300 ms, a long task the page would otherwise freeze for.
 * One worker per export; the window terminates it after the answer.
 */
import { formatSession } from '../export/formats.ts';
import { ExportAssembler, type ExportJobMessage, type ExportJobResult } from './export-slices.ts';

/** The parts of DedicatedWorkerGlobalScope used here (this file is type-checked with the DOM lib). */
interface WorkerScope {
  addEventListener(type: 'message', listener: (event: MessageEvent<ExportJobMessage>) => void): void;
  postMessage(message: ExportJobResult): void;
}

const scope = self as unknown as WorkerScope;
const assembler = new ExportAssembler();

scope.addEventListener('message', (event) => {
  let result: ExportJobResult;
  try {
    const file = assembler.accept(event.data);
    if (!file) return;
    const text = formatSession(file, assembler.format!);
    result = { ok: true, blob: new Blob([text], { type: assembler.mime }) };
  } catch (error) {
    result = { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  scope.postMessage(result);
});
