/**
 * Binary WAL size against the same records as JSON lines (one JSON.stringify(record) + '\n' each).
 *
 * What the format controls is the per-record overhead: header, field encodings, ids and numbers.
 * The transcript text itself is stored as plain UTF-8 in every self-contained frame, exactly as JSON
 * stores it, so it cannot shrink. These tests hold the overhead to at most half of JSON's and the
 * text-free record types to at most half outright. For text-carrying streams the whole-stream ratio
 * is measured and printed; DESIGN.md's "binary ≤ 50 % of JSON lines" for the whole stream is NOT met
 * by this format (≈ 0.62 on realistic streams): see docs/WAL-FORMAT.md, "Size".
 */
import { describe, expect, it } from 'vitest';
import { encodeFrame } from '../src/core/framing.ts';
import type { WalRecord } from '../src/core/records.ts';
import { sampleRecords } from './helpers/sample-records.ts';

const utf8 = new TextEncoder();
const jsonLineBytes = (record: WalRecord): number => utf8.encode(JSON.stringify(record) + '\n').length;
const textBytes = (record: WalRecord): number => ('text' in record ? utf8.encode(record.text).length : 0);

const STREAM = sampleRecords({ seed: 42, sessions: 4, utterances: 40 });

describe('binary size vs JSON lines', () => {
  it('spends at most half of the bytes JSON spends on everything but the text', () => {
    let binaryOverhead = 0;
    let jsonOverhead = 0;
    for (const record of STREAM) {
      const text = textBytes(record);
      binaryOverhead += encodeFrame(record).length - text;
      jsonOverhead += jsonLineBytes(record) - text;
    }
    const ratio = binaryOverhead / jsonOverhead;
    console.info(
      `non-text overhead: binary ${binaryOverhead} B, JSON ${jsonOverhead} B, ratio ${ratio.toFixed(3)}`,
    );
    expect(ratio).toBeLessThanOrEqual(0.5);
  });

  it('stores the records without transcript text in at most half the bytes of JSON', () => {
    for (const type of ['session-start', 'session-stop', 'checkpoint', 'session-delete'] as const) {
      const records: WalRecord[] = STREAM.filter((r) => r.type === type);
      if (type === 'session-delete') {
        records.push(
          ...STREAM.filter((r) => r.type === 'session-stop').map((r) => ({ ...r, type }) as WalRecord),
        );
      }
      expect(records.length, type).toBeGreaterThan(0);
      const binary = records.reduce((sum, r) => sum + encodeFrame(r).length, 0);
      const json = records.reduce((sum, r) => sum + jsonLineBytes(r), 0);
      expect(binary / json, type).toBeLessThanOrEqual(0.5);
    }
  });

  it('stores a realistic stream in fewer bytes than JSON lines (whole-stream ratio printed)', () => {
    const binary = STREAM.reduce((sum, r) => sum + encodeFrame(r).length, 0);
    const json = STREAM.reduce((sum, r) => sum + jsonLineBytes(r), 0);
    const text = STREAM.reduce((sum, r) => sum + textBytes(r), 0);
    console.info(
      `whole stream: ${STREAM.length} records, binary ${binary} B, JSON ${json} B, ratio ${(binary / json).toFixed(3)}, text ${text} B`,
    );
    // The only part that is not text is the overhead bounded above, so the stream can be no larger
    // than text + half of JSON's overhead.
    expect(binary).toBeLessThanOrEqual(text + (json - text) / 2);
    expect(binary).toBeLessThan(json);
  });
});
