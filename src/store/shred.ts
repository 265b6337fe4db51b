/**
 * Overwrite-then-remove. Chromium keeps OPFS files as plain files in the profile directory, so a
 * file holding deleted text is zero-filled and flushed before it is removed: the text must not
 * survive in a file the browser may reuse or that a later scan (or a backup) could read.
 */
import type { FileStore } from './types.ts';

const ZERO_CHUNK = 1 << 20;

export async function shredFile(files: FileStore, path: string): Promise<void> {
  const size = await files.sizeOf(path);
  if (size === null) return;
  const file = await files.open(path);
  try {
    const zeros = new Uint8Array(Math.min(ZERO_CHUNK, Math.max(1, size)));
    for (let offset = 0; offset < size; offset += zeros.length) {
      file.write(offset, zeros.subarray(0, Math.min(zeros.length, size - offset)));
    }
    file.flush();
    file.truncate(0);
    file.flush();
  } finally {
    file.close();
  }
  await files.remove(path);
}
