/**
 * replayWal folds each session while it reads; its result must be exactly the definition it
 * replaces (and recovery used before): read every file, group each session's records (CHECKPOINTs
 * left out), drop sessions with a SESSION_DELETE, keep the records newer than the base's checkpoint,
 * sort them by seq keeping each seq once, fold base + those. Checked on seeded random writers' folders
 * (segments written by SegmentWriter, a ring file repeating recent records in wrapped order, session
 * files as bases, deletes, damage), and on the cases that leave the fast path.
 */
import { describe, expect, it } from 'vitest';
import { MemoryByteFile } from '../src/core/byte-file.ts';
import { encodeFrames, readSegment } from '../src/core/framing.ts';
import type { WalRecord } from '../src/core/records.ts';
import { foldRecords } from '../src/core/recovery-fold.ts';
import { SegmentWriter } from '../src/core/segment-writer.ts';
import type { SkippedBytes } from '../src/shared/persistence-api.ts';
import {
  SeqRuns,
  dedupeBySeq,
  replayWal,
  type ReplayBase,
  type WalFileBytes,
} from '../src/store/wal-replay.ts';
import { mulberry32, sampleRecords } from './helpers/sample-records.ts';

type Base = ReplayBase & { path: string };

/** The definition, computed the slow way: every record collected, grouped, filtered, sorted. */
async function reference(files: WalFileBytes[], loadBase: (id: string) => Promise<Base | null>) {
  const records: WalRecord[] = [];
  const skipped: SkippedBytes[] = [];
  for (const { path, bytes } of files) {
    const result = readSegment(bytes);
    for (const r of result.records) records.push(r.record);
    for (const s of result.skipped) {
      const zeros = bytes.subarray(s.offset, s.offset + s.length).every((b) => b === 0);
      if (s.reason === 'torn-tail' && zeros) continue;
      skipped.push({ file: path, offset: s.offset, length: s.length, reason: s.reason });
    }
  }
  const bySession = new Map<string, WalRecord[]>();
  const deleted = new Set<string>();
  for (const r of records) {
    if (r.type === 'session-delete') deleted.add(r.sessionId);
    if (r.type === 'checkpoint') continue;
    const list = bySession.get(r.sessionId) ?? [];
    list.push(r);
    bySession.set(r.sessionId, list);
  }
  for (const id of deleted) bySession.delete(id);
  const sessions = [];
  for (const [id, wal] of bySession) {
    const base = await loadBase(id);
    const threshold = base ? base.checkpointSeq : -1;
    const newer = dedupeBySeq(wal.filter((r) => r.seq > threshold));
    const folded = foldRecords([...(base?.records ?? []), ...newer]).sessions.get(id);
    sessions.push({ id, base, folded, newer: newer.length });
  }
  return { sessions, deleted: [...deleted], skipped };
}

async function expectSameAsDefinition(files: WalFileBytes[], bases: Map<string, Base>) {
  const loadBase = async (id: string) => bases.get(id) ?? null;
  const fast = await replayWal(files, loadBase);
  expect(fast).toEqual(await reference(files, loadBase));
  return fast;
}

function segmentOf(records: WalRecord[]): Uint8Array {
  const file = new MemoryByteFile(new Uint8Array(0));
  const writer = new SegmentWriter(file, 0);
  for (const r of records) writer.append(r);
  return file.bytes();
}

/** A session file's content for `records` up to seq `upTo`: those records, then its CHECKPOINT. */
function baseOf(records: WalRecord[], id: string, upTo: number): Base {
  const own = records.filter((r) => r.sessionId === id && r.seq <= upTo && r.type !== 'checkpoint');
  const last = own[own.length - 1]!;
  own.push({ type: 'checkpoint', sessionId: id, seq: upTo, at: last.at, upToSeq: upTo, finals: 0 });
  return { path: `sessions/${id}/00000001.wal`, records: own, checkpointSeq: upTo };
}

function flipBit(bytes: Uint8Array, rand: () => number): void {
  const at = Math.floor(rand() * bytes.length);
  bytes[at] ^= 1 << Math.floor(rand() * 8);
}

/** A random dead writer's folder: its segments, its ring file, and session files for some sessions. */
function randomWriter(seed: number): { files: WalFileBytes[]; bases: Map<string, Base> } {
  const rand = mulberry32(seed);
  const records = sampleRecords({ seed, sessions: 1 + Math.floor(rand() * 3), utterances: 6 });
  const ids = [...new Set(records.map((r) => r.sessionId))];
  if (rand() < 0.3) {
    const id = ids[Math.floor(rand() * ids.length)]!;
    const seq = Math.max(...records.filter((r) => r.sessionId === id).map((r) => r.seq)) + 1;
    records.splice(Math.floor(rand() * records.length), 0, {
      type: 'session-delete',
      sessionId: id,
      seq,
      at: records[0]!.at,
    });
  }
  const files: WalFileBytes[] = [];
  let start = 0;
  for (let n = 1; start < records.length; n++) {
    const end = start + 1 + Math.floor(rand() * records.length * 0.6);
    files.push({ path: `wal/w/${n}.wal`, bytes: segmentOf(records.slice(start, end)) });
    start = end;
  }
  // The ring: the last records again, wrapped at a random point, sometimes with gaps.
  const recent = records.slice(-Math.floor(rand() * 40)).filter(() => rand() < 0.9);
  const cut = Math.floor(rand() * (recent.length + 1));
  files.push({ path: 'ring/w.ring', bytes: encodeFrames([...recent.slice(cut), ...recent.slice(0, cut)]) });
  for (let d = Math.floor(rand() * 3); d > 0; d--)
    flipBit(files[Math.floor(rand() * files.length)]!.bytes, rand);
  const bases = new Map<string, Base>();
  for (const id of ids) {
    if (rand() < 0.5) continue;
    const seqs = records.filter((r) => r.sessionId === id).map((r) => r.seq);
    bases.set(id, baseOf(records, id, seqs[Math.floor(rand() * seqs.length)]!));
  }
  return { files, bases };
}

describe('replayWal', () => {
  it('equals the definition on 250 random writers (seeded; deltas, ring copies, bases, deletes, bit flips)', async () => {
    for (let seed = 1; seed <= 250; seed++) {
      const { files, bases } = randomWriter(seed);
      await expectSameAsDefinition(files, bases);
    }
  });

  it('folds a record that is damaged in its segment but intact in the ring in seq order', async () => {
    const records = sampleRecords({ seed: 5, sessions: 2, utterances: 4 });
    const segment = encodeFrames(records);
    const victim = records.findIndex((r) => r.type === 'final');
    const offset = encodeFrames(records.slice(0, victim)).length;
    segment[offset + 20] ^= 0x10;
    const ring = encodeFrames(records.slice(victim - 2, victim + 3));
    const files = [
      { path: 'wal/w/1.wal', bytes: segment },
      { path: 'ring/w.ring', bytes: ring },
    ];
    const replay = await expectSameAsDefinition(files, new Map());
    const final = records[victim]!;
    if (final.type !== 'final') throw new Error('not a final');
    const folded = replay.sessions.find((s) => s.id === final.sessionId)!.folded!;
    expect(folded.finals.map((u) => u.text)).toContain(final.text);
    expect(replay.skipped).toEqual([expect.objectContaining({ file: 'wal/w/1.wal', reason: 'bad-crc' })]);
  });

  it('replays a session exactly when the id pass missed it (a corrupt length hid its frames)', async () => {
    const records = sampleRecords({ seed: 9, sessions: 1, utterances: 3 });
    const hidden = sampleRecords({ seed: 10, sessions: 1, utterances: 3 }).map((r) => ({
      ...r,
      sessionId: 'hidden-session',
    }));
    const hiddenBytes = segmentOf(hidden);
    // A frame header whose length spans the hidden session's frames, with a wrong CRC.
    const fake = new Uint8Array(12);
    fake.set([0xc1, 0xf7, 1, 2, 3, 4, 1, 2]);
    new DataView(fake.buffer).setUint32(8, hiddenBytes.length, true);
    const first = segmentOf(records);
    const bytes = new Uint8Array(first.length + fake.length + hiddenBytes.length);
    bytes.set(first);
    bytes.set(fake, first.length);
    bytes.set(hiddenBytes, first.length + fake.length);
    const bases = new Map([['hidden-session', baseOf(hidden, 'hidden-session', 3)]]);
    const replay = await expectSameAsDefinition([{ path: 'wal/w/1.wal', bytes }], bases);
    expect(replay.sessions.map((s) => s.id)).toContain('hidden-session');
    expect(replay.sessions.find((s) => s.id === 'hidden-session')!.base).toBe(bases.get('hidden-session'));
  });

  it('skips a session fully covered by its base, and lists deleted sessions in order', async () => {
    const records = sampleRecords({ seed: 3, sessions: 2, utterances: 3 });
    const [a, b] = [...new Set(records.map((r) => r.sessionId))] as [string, string];
    const lastA = Math.max(...records.filter((r) => r.sessionId === a).map((r) => r.seq));
    const lastB = Math.max(...records.filter((r) => r.sessionId === b).map((r) => r.seq));
    const withDelete: WalRecord[] = [
      ...records,
      { type: 'session-delete', sessionId: b, seq: lastB + 1, at: 1 },
    ];
    const bases = new Map([[a, baseOf(records, a, lastA)]]);
    const replay = await expectSameAsDefinition(
      [{ path: 'wal/w/1.wal', bytes: segmentOf(withDelete) }],
      bases,
    );
    expect(replay.deleted).toEqual([b]);
    expect(replay.sessions.map((s) => [s.id, s.newer])).toEqual([[a, 0]]);
  });
});

describe('SeqRuns', () => {
  it('holds exactly the seqs added', () => {
    const runs = new SeqRuns();
    const added = [0, 1, 2, 5, 6, 9, 20, 21, 22, 23, 40];
    for (const seq of added) runs.add(seq);
    expect(runs.last).toBe(40);
    for (let seq = -2; seq < 45; seq++) expect(runs.has(seq)).toBe(added.includes(seq));
  });
});

describe('replayWal and loadBase errors', () => {
  it('ignores an error loading a base for an id no intact record has, and reports one for a real session', async () => {
    const records = sampleRecords({ seed: 4, sessions: 1, utterances: 2 });
    const id = records[0]!.sessionId;
    const segment = segmentOf(records);
    // A frame with a good magic and length but a wrong CRC, naming a session id that is no valid path.
    const junk = encodeFrames([{ type: 'session-delete', sessionId: '../not-an-id', seq: 1, at: 1 }]);
    junk[2] ^= 0xff;
    const bytes = new Uint8Array(segment.length + junk.length);
    bytes.set(segment);
    bytes.set(junk, segment.length);
    const files = [{ path: 'wal/w/1.wal', bytes }];
    const asked: string[] = [];
    const replay = await replayWal(files, async (sessionId) => {
      asked.push(sessionId);
      if (sessionId === '../not-an-id') throw new TypeError('not a valid name');
      return null;
    });
    expect(asked).toEqual([id, '../not-an-id']);
    expect(replay.sessions.map((s) => s.id)).toEqual([id]);
    expect(replay.skipped).toEqual([
      { file: 'wal/w/1.wal', offset: segment.length, length: junk.length, reason: 'bad-crc' },
    ]);

    const failing = replayWal(files, async () => {
      throw new Error('session files unreadable');
    });
    await expect(failing).rejects.toThrow('session files unreadable');
  });
});
