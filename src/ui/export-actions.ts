/** Export, import and diagnostics actions shared by the session list, session view and storage view. */
import { exportFileName, EXPORT_FORMATS, type ExportFormat } from '../export/formats.ts';
import { parseExportFile } from '../export/import-validate.ts';
import { createTar } from '../export/tar.ts';
import type { SessionMeta } from '../shared/persistence-api.ts';
import type { PersistenceClient } from '../shared/persistence-client.ts';
import { dateStamp, downloadFile } from './download.ts';
import { formatToBlob } from './export-in-worker.ts';

const JSON_MIME = EXPORT_FORMATS.find((f) => f.format === 'json')!.mime;

export async function exportSession(
  client: PersistenceClient,
  meta: SessionMeta,
  format: ExportFormat,
): Promise<void> {
  const file = await client.exportSessions([meta.id]);
  const mime = EXPORT_FORMATS.find((f) => f.format === format)!.mime;
  // An 8-hour session is ~37,000 utterances: formatted off the main thread (same bytes).
  downloadFile(exportFileName(meta, format), await formatToBlob(file, format, mime), mime);
}

export async function exportAll(client: PersistenceClient): Promise<number> {
  const file = await client.exportSessions('all');
  const blob = await formatToBlob(file, 'json', JSON_MIME);
  downloadFile(`scribe-vault-export_${dateStamp(Date.now())}.json`, blob, JSON_MIME);
  return file.sessions.length;
}

export type ImportOutcome = { ok: true; message: string } | { ok: false; message: string };

/** Validates in the window first so a bad file is refused at once, before the worker is involved. */
export async function importFile(client: PersistenceClient, file: File): Promise<ImportOutcome> {
  if (file.size > 256 * 1024 * 1024) {
    return {
      ok: false,
      message: 'Import refused: this file is too large (more than 256 MB). Nothing was changed.',
    };
  }
  const parsed = parseExportFile(await file.text());
  if (!parsed.ok) return { ok: false, message: `Import refused: ${parsed.error} Nothing was changed.` };
  try {
    const result = await client.importSessions(parsed.file);
    const skipped = result.skipped > 0 ? ` ${result.skipped} already present, skipped.` : '';
    return {
      ok: true,
      message: `Imported ${result.imported} session${result.imported === 1 ? '' : 's'} from “${file.name}”.${skipped}`,
    };
  } catch (error) {
    return { ok: false, message: `Import failed: ${(error as Error).message} Nothing was changed.` };
  }
}

/**
 * Downloads the raw WAL segments for `npm run wal -- inspect`: a single segment as it is, several
 * bundled in an uncompressed tar (extract with `tar -xf`).
 */
export async function downloadDiagnostics(client: PersistenceClient): Promise<string> {
  const files = await client.diagnostics();
  if (files.length === 0) return 'There are no log segments to download.';
  if (files.length === 1) {
    const only = files[0]!;
    downloadFile(only.path.replace(/\//g, '_'), only.bytes, 'application/octet-stream');
    return `Downloaded 1 log segment (${only.path}).`;
  }
  const tar = createTar(files.map((f) => ({ path: f.path, bytes: f.bytes, mtime: Date.now() })));
  downloadFile(`scribe-vault-diagnostics_${dateStamp(Date.now())}.tar`, tar, 'application/x-tar');
  return `Downloaded ${files.length} log segments as a .tar archive (extract with tar -xf, then run npm run wal -- inspect).`;
}
