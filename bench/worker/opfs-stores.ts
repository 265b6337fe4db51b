/**
 * OPFS peers: raw write() of pre-encoded frames (the physical limit) and JSON lines (a naive WAL).
 * Both write each record on arrival through a FileSystemSyncAccessHandle and flush() on the cadence,
 * exactly like the project's WAL.
 */
import type { WalRecord } from '../../src/core/records.ts';
import type { RecordStore } from './trial.ts';

const BENCH_DIR = 'bench-peers';

export async function openBenchFile(name: string): Promise<{
  handle: FileSystemSyncAccessHandle;
  remove: () => Promise<void>;
}> {
  const root = await navigator.storage.getDirectory();
  const dir = await root.getDirectoryHandle(BENCH_DIR, { create: true });
  const file = await dir.getFileHandle(name, { create: true });
  const handle = await file.createSyncAccessHandle();
  handle.truncate(0);
  return {
    handle,
    remove: async () => {
      await dir.removeEntry(name);
    },
  };
}

/** Appends pre-built byte chunks: what any WAL costs at least (no encoding, no CRC). */
export async function rawBytesStore(name: string, chunks: readonly Uint8Array[]): Promise<RecordStore> {
  const { handle, remove } = await openBenchFile(name);
  let offset = 0;
  return {
    append(index) {
      offset += handle.write(chunks[index]!, { at: offset });
    },
    flush: () => handle.flush(),
    bytes: () => offset,
    dispose: async (keep) => {
      handle.close();
      if (!keep) await remove();
    },
  };
}

/** JSON.stringify + TextEncoder + write() per record: the naive WAL. */
export async function jsonLinesStore(name: string, records: readonly WalRecord[]): Promise<RecordStore> {
  const { handle, remove } = await openBenchFile(name);
  const encoder = new TextEncoder();
  let offset = 0;
  return {
    append(index) {
      offset += handle.write(encoder.encode(JSON.stringify(records[index]) + '\n'), { at: offset });
    },
    flush: () => handle.flush(),
    bytes: () => offset,
    dispose: async (keep) => {
      handle.close();
      if (!keep) await remove();
    },
  };
}
