/**
 * Checkpoints of a long recording: each one appends only what happened since the previous one to the
 * session file (no rewrite of the whole session), a live session reads back whole from file + tail,
 * and a crash — also one that tears an append — loses nothing acknowledged.
 */
import { describe, expect, it } from 'vitest';
import type { FinalRecord, WalRecord } from '../src/core/records.ts';
import { encodeFrames } from '../src/core/framing.ts';
import type { VaultEngine } from '../src/store/engine.ts';
import { Origin, SessionScript } from './store-harness.ts';

/** Counts the bytes written into session files (sessions/…) from now on. */
function countSessionFileWrites(origin: Origin): { bytes: number } {
  const counter = { bytes: 0 };
  const open = origin.files.open.bind(origin.files);
  origin.files.open = async (path: string) => {
    const file = await open(path);
    if (!path.startsWith('sessions/')) return file;
    const write = file.write.bind(file);
    file.write = (offset: number, data: Uint8Array) => {
      counter.bytes += data.length;
      return write(offset, data);
    };
    return file;
  };
  return counter;
}

async function record(engine: VaultEngine, script: SessionScript, from: number, to: number, origin: Origin) {
  const acked: WalRecord[] = [];
  for (let u = from; u < to; u++) {
    const batch = script.utterance(u, ['utterance', `number-${u}`, 'with', 'several', 'words', 'in', 'it']);
    const result = await engine.appendBatch(batch);
    expect(result.error).toBeNull();
    acked.push(...batch);
    origin.advance(50);
  }
  return acked;
}

function finalsOf(records: WalRecord[]): string[] {
  return records.flatMap((r) => (r.type === 'final' ? [r.text] : []));
}

describe('checkpoints of a long session', () => {
  it('append to the session file: total bytes written stay linear in the session, not quadratic', async () => {
    const origin = new Origin();
    const { engine, events } = await origin.engine('w1', { ringCapacity: 32 });
    const writes = countSessionFileWrites(origin);
    const script = new SessionScript('long', () => origin.time);
    await engine.appendBatch([script.start('Long')]);
    const acked = await record(engine, script, 0, 400, origin);

    // Many overflow checkpoints happened (a full rewrite each would write ~checkpoints/2 × the file).
    const checkpoints = events.filter((e) => e.type === 'overflow').length;
    expect(checkpoints).toBeGreaterThan(20);
    const live = await engine.readSession('long');
    expect(live.utterances.map((u) => u.text)).toEqual(finalsOf(acked));

    await engine.appendBatch([script.stop()]);
    const paths = [...origin.files.files.keys()].filter((p) => p.startsWith('sessions/long/'));
    expect(paths).toHaveLength(1);
    const fileBytes = origin.files.files.get(paths[0]!)!.size();
    expect(writes.bytes).toBeGreaterThan(0);
    expect(writes.bytes).toBeLessThan(1.5 * fileBytes);

    const stopped = await engine.readSession('long');
    expect(stopped.meta.status).toBe('stopped');
    expect(stopped.utterances.map((u) => u.text)).toEqual(finalsOf(acked));
    expect(stopped.utterances.some((u) => u.uncertain)).toBe(false);
  });

  it('a crash mid-session, also one that tore a checkpoint append, recovers every acknowledged record', async () => {
    for (const tearAppend of [false, true]) {
      const origin = new Origin();
      const { engine } = await origin.engine('victim', { ringCapacity: 16 });
      const script = new SessionScript('s', () => origin.time);
      await engine.appendBatch([script.start('Crashy')]);
      const acked = await record(engine, script, 0, 120, origin);
      const trailing = script.partial(120, 'trailing words');
      expect((await engine.appendBatch([trailing])).error).toBeNull();

      const [path] = [...origin.files.files.keys()].filter((p) => p.startsWith('sessions/s/'));
      if (tearAppend) {
        // Half of a chunk landed after the last checkpoint: frames that end nowhere in a CHECKPOINT.
        const extra = script.final(999, 'torn chunk text') as FinalRecord;
        const torn = encodeFrames([extra, { ...extra, seq: extra.seq + 1, utterance: 1000 }]);
        const file = origin.files.files.get(path!)!;
        file.write(file.size(), torn.subarray(0, torn.length - 7));
      }
      origin.crash('victim');

      const { engine: rescuer } = await origin.engine('rescuer');
      const t = await rescuer.readSession('s');
      expect(t.meta.status).toBe('recovered');
      const finals = t.utterances.filter((u) => !u.uncertain).map((u) => u.text);
      expect(finals).toEqual(finalsOf(acked));
      expect(t.utterances.at(-1)).toMatchObject({ text: 'trailing words', uncertain: true });
    }
  });
});
