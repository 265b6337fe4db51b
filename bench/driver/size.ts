/**
 * Size on disk: each store gets the same records in its own fresh profile; after the browser closes
 * (everything flushed, handles released) the profile's OPFS and IndexedDB directories are measured
 * and an empty-profile baseline (page loaded, nothing stored) is subtracted. Scaled to one hour of
 * live transcription (20 partials/s with this stream's final ratio).
 */
import { join } from 'node:path';
import type { PeerKind } from '../shared/protocol.ts';
import { benchStream, recordsPerHour } from '../shared/workload.ts';
import { directoryBytes, launchBench } from './browser.ts';
import { CADENCE, type BenchConfig } from './config.ts';
import { fmt, type GoalRow, type Section } from './report.ts';

const STORES: Array<{ id: string; kind: PeerKind | null }> = [
  { id: 'empty profile (baseline)', kind: null },
  { id: 'Scribe Vault WAL (binary frames)', kind: 'wal-writer' },
  { id: 'JSON lines on OPFS', kind: 'opfs-jsonl' },
  { id: 'IndexedDB (idb, one object per record)', kind: 'idb-batch' },
  { id: 'SQLite WASM (opfs-sahpool)', kind: 'sqlite-txn' },
];

interface Measured {
  id: string;
  logical: number;
  opfs: number;
  idb: number;
}

async function measureStore(
  origin: string,
  kind: PeerKind | null,
  config: BenchConfig,
): Promise<Measured & { id: string }> {
  const browser = await launchBench('size');
  let logical = 0;
  try {
    const page = await browser.newPage(`${origin}/index.html`);
    if (kind) {
      const result = await page.evaluate(([k, o]) => window.__bench!.peerTrial(k, o), [
        kind,
        { seed: config.seed, records: config.sizeRecords, ratePerSecond: 0, cadence: CADENCE, keep: true },
      ] as const);
      logical = result.bytes;
    }
    await browser.context.close();
    const profile = join(browser.profileDir, 'Default');
    return {
      id: kind ?? 'baseline',
      logical,
      opfs: directoryBytes(join(profile, 'File System')),
      idb: directoryBytes(join(profile, 'IndexedDB')),
    };
  } finally {
    await browser.close();
  }
}

export async function runSize(
  origin: string,
  config: BenchConfig,
  log: (line: string) => void,
): Promise<{ section: Section; goals: GoalRow[] }> {
  const perHour = recordsPerHour(benchStream(config.seed, config.sizeRecords));
  const scale = perHour / config.sizeRecords;
  const measured: Measured[] = [];
  for (const store of STORES) {
    const m = await measureStore(origin, store.kind, config);
    measured.push({ ...m, id: store.id });
    log(`  size ${store.id}: OPFS ${m.opfs} B, IndexedDB ${m.idb} B, logical ${m.logical} B`);
  }
  const base = measured[0]!;
  const rows = measured.slice(1).map((m) => {
    const disk = m.opfs - base.opfs + (m.idb - base.idb);
    return [
      m.id,
      m.logical ? fmt.mb(m.logical) : 'n/a',
      fmt.mb(disk),
      fmt.mb(disk * scale),
      (disk / config.sizeRecords).toFixed(1),
    ];
  });
  const wal = measured[1]!;
  const jsonl = measured[2]!;
  const ratio = wal.logical / jsonl.logical;
  return {
    goals: [
      {
        goal: 'Size: binary WAL vs the same records as JSON lines',
        target: '≤ 50 %',
        measured: `${fmt.pct(ratio)} (${fmt.mb(wal.logical)} vs ${fmt.mb(jsonl.logical)})`,
        status: ratio <= 0.5 ? 'met' : 'missed',
      },
    ],
    section: {
      title: `Size on disk (${fmt.int(config.sizeRecords)} records written; one hour ≈ ${fmt.int(perHour)} records)`,
      header: ['store', 'logical bytes', 'on disk (profile delta)', 'on disk per hour', 'disk bytes/record'],
      rows,
      notes: [
        `On disk = growth of <profile>/Default/File System + <profile>/Default/IndexedDB over an empty profile that only loaded the page (baseline: OPFS ${fmt.int(base.opfs)} B, IndexedDB ${fmt.int(base.idb)} B). Per hour = scaled linearly from the records written.`,
        'Logical bytes: file length for the WAL and JSON lines, page_count × page_size for SQLite; IndexedDB has none.',
      ],
    },
  };
}
