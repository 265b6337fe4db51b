/**
 * Properties every readSegment result must have, whatever the input bytes: records and skipped
 * ranges tile the segment in order without gaps or overlaps, validEnd is the end of the last
 * CRC-valid frame, and every returned record re-encodes to exactly the bytes it was read from
 * (so nothing half-decoded or CRC-failed can slip through). A record read from a PARTIAL_DELTA frame
 * re-encodes as the same delta (its base seq and prefix length, from `delta`).
 */
import {
  encodeFrame,
  encodePartialDeltaFrame,
  type FramedRecord,
  type SegmentReadResult,
} from '../../src/core/framing.ts';

/** The frame `framed` was read from, rebuilt from what the reader returned. */
function reencode(framed: FramedRecord): Uint8Array {
  if (!framed.delta) return encodeFrame(framed.record);
  if (framed.record.type !== 'partial') throw new Error('a delta that is not a partial');
  return encodePartialDeltaFrame(framed.record, framed.delta.baseSeq, framed.delta.prefixBytes);
}

/** The first violated property, or null when the result is consistent with `bytes`. */
export function segmentReadViolation(bytes: Uint8Array, result: SegmentReadResult): string | null {
  if (result.totalBytes !== bytes.length) return `totalBytes ${result.totalBytes} != ${bytes.length}`;
  const pieces = [
    ...result.records.map((r) => ({
      offset: r.offset,
      length: r.length,
      kind: 'record' as const,
      framed: r,
    })),
    ...result.skipped.map((s) => ({ offset: s.offset, length: s.length, kind: s.reason, framed: null })),
  ].sort((a, b) => a.offset - b.offset);
  let pos = 0;
  let lastIntactEnd = 0;
  for (const piece of pieces) {
    if (piece.offset !== pos) return `gap or overlap at ${pos}: next piece starts at ${piece.offset}`;
    if (piece.length <= 0) return `empty piece at ${pos}`;
    pos += piece.length;
    if (piece.framed) {
      const again = reencode(piece.framed);
      const stored = bytes.subarray(piece.offset, piece.offset + piece.length);
      if (again.length !== stored.length || again.some((b, i) => b !== stored[i])) {
        return `record at ${piece.offset} does not re-encode to its bytes`;
      }
    }
    // Frames with a good CRC (records, and frames skipped for what they hold) move validEnd.
    if (piece.framed || ['unknown-type', 'bad-version', 'bad-payload', 'missing-base'].includes(piece.kind))
      lastIntactEnd = pos;
  }
  if (pos !== bytes.length) return `pieces end at ${pos}, segment at ${bytes.length}`;
  if (result.validEnd !== lastIntactEnd) return `validEnd ${result.validEnd} != ${lastIntactEnd}`;
  return null;
}
