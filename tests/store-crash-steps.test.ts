/**
 * Crash at every I/O step: a writer records sessions with small segments (so rotations, checkpoints,
 * session-file generations and segment deletions all happen), and its context "dies" after exactly k
 * mutating file operations, for every k. The next start-up must recover every acknowledged record.
 */
import { describe, expect, it } from 'vitest';
import type { Ack } from '../src/shared/persistence-api.ts';
import type { WalRecord } from '../src/core/records.ts';
import type { EngineOptions } from '../src/store/engine.ts';
import { Origin, SessionScript } from './store-harness.ts';

async function workload(
  origin: Origin,
  ioBudget: number,
  options: EngineOptions,
): Promise<{ acked: WalRecord[]; totalIo: number }> {
  const { engine } = await origin.engine('victim', options);
  origin.files.ioBudget = ioBudget;
  const acked: WalRecord[] = [];
  const a = new SessionScript('a', () => origin.time);
  const b = new SessionScript('b', () => origin.time);
  const plan: WalRecord[][] = [[a.start('A')], [b.start('B')]];
  for (let u = 0; u < 12; u++) {
    if (u < 4) plan.push(a.utterance(u, ['alpha', `a${u}`, 'words', 'here']));
    if (u === 3) plan.push([a.stop()]); // a is checkpointed and its segments become deletable
    plan.push(b.utterance(u, ['bravo', `b${u}`, 'more']));
  }
  plan.push([b.partial(6, 'bravo trailing')]);
  for (const batch of plan) {
    let result: { acks: Ack[]; error: unknown };
    try {
      result = await engine.appendBatch(batch);
    } catch {
      break;
    }
    for (const ack of result.acks)
      acked.push(batch.find((r) => r.seq === ack.seq && r.sessionId === ack.sessionId)!);
    if (result.error) break;
    origin.advance(100);
  }
  const used = ioBudget - (origin.files.ioBudget ?? 0);
  origin.files.ioBudget = null;
  origin.crash('victim');
  return { acked, totalIo: used };
}

function expectRecovered(
  acked: WalRecord[],
  utterances: Array<{ index: number; text: string; uncertain?: boolean }>,
  sessionId: string,
): void {
  const mine = acked.filter((r) => r.sessionId === sessionId);
  const finals = new Map<number, string>();
  const partials = new Map<number, string>();
  for (const r of mine) {
    if (r.type === 'final') finals.set(r.utterance, r.text);
    if (r.type === 'partial') partials.set(r.utterance, r.text);
  }
  const byIndex = new Map(utterances.map((u) => [u.index, u]));
  expect(new Set(utterances.map((u) => u.index)).size).toBe(utterances.length);
  for (const [i, text] of finals) expect(byIndex.get(i)?.text).toBe(text);
  for (const [i, text] of partials) {
    if (finals.has(i)) continue;
    expect(byIndex.get(i)?.text.startsWith(text)).toBe(true);
  }
}

describe('crash at every I/O step', () => {
  // Small segments: rotations checkpoint the open session. A tiny ring: overflows checkpoint it, each
  // checkpoint appending a chunk to the session file.
  it.each([
    ['small segments', { rotation: { maxBytes: 400 } }],
    ['a tiny ring buffer', { ringCapacity: 3 }],
  ] as Array<[string, EngineOptions]>)(
    'with %s, recovers every acknowledged record whatever step the writer died at',
    async (_, options) => {
      // Measure how many operations the whole workload takes, then crash after each of them.
      const full = await workload(new Origin(), 1_000_000, options);
      expect(full.acked.length).toBeGreaterThan(40);
      expect(full.totalIo).toBeGreaterThan(60);
      for (let k = 0; k <= full.totalIo; k++) {
        const origin = new Origin();
        const { acked } = await workload(origin, k, options);
        const { engine } = await origin.engine('rescuer');
        for (const id of ['a', 'b']) {
          if (!acked.some((r) => r.sessionId === id)) continue;
          const t = await engine.readSession(id);
          expectRecovered(acked, t.utterances, id);
        }
        const left = [...origin.files.files.keys()].filter((p) => p.includes('victim'));
        expect(left, `files of the dead writer left after crash at step ${k}`).toEqual([]);
      }
    },
  );
});
