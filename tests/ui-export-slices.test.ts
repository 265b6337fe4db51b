import { describe, expect, it } from 'vitest';
import { formatSession, type ExportFormat } from '../src/export/formats.ts';
import type { ExportFile } from '../src/shared/persistence-client.ts';
import { formatToBlob } from '../src/ui/export-in-worker.ts';
import { ExportAssembler, exportJobMessages, type ExportJobMessage } from '../src/ui/export-slices.ts';

function sessionFile(counts: number[]): ExportFile {
  return {
    format: 'scribe-vault-export',
    version: 1,
    exportedAt: Date.UTC(2026, 10, 23),
    sessions: counts.map((count, s) => ({
      id: `s${s}`,
      title: `Session ${s}`,
      source: 'demo',
      lang: 'en-US',
      startedAt: Date.UTC(2026, 10, 23, 9) + s,
      stoppedAt: null,
      utterances: Array.from({ length: count }, (_, i) => ({
        index: i,
        // Out of time order on purpose: the formats sort, so slices must not change the order.
        text: i % 7 === 3 ? '  ' : `Line ${i} of session ${s} <b> & "q"`,
        startMs: ((i * 7919) % count) * 1000,
        endMs: ((i * 7919) % count) * 1000 + 400,
        confidence: i % 2 ? 0.5 : null,
        ...(i === count - 1 ? { uncertain: true } : {}),
      })),
    })),
  };
}

/** Sends the messages through a structured clone, as postMessage does. */
function deliver(messages: Iterable<ExportJobMessage>): ExportFile {
  const assembler = new ExportAssembler();
  for (const message of messages) {
    const file = assembler.accept(structuredClone(message));
    if (file) return file;
  }
  throw new Error('no finish');
}

describe('export slices', () => {
  it('splits the utterances into slices of at most the size, headers first, finish last', () => {
    const messages = [...exportJobMessages(sessionFile([5, 0, 2]), 'txt', 'text/plain', 2)];
    expect(
      messages.map((m) => (m.kind === 'utterances' ? `${m.session}:${m.utterances.length}` : m.kind)),
    ).toEqual(['start', '0:2', '0:2', '0:1', '2:2', 'finish']);
    const start = messages[0]!;
    expect(start.kind === 'start' && start.file.sessions.every((s) => s.utterances.length === 0)).toBe(true);
  });

  it('leaves the caller’s file untouched', () => {
    const file = sessionFile([3]);
    const copy = structuredClone(file);
    deliver(exportJobMessages(file, 'json', 'application/json', 1));
    expect(file).toEqual(copy);
  });

  it('reassembles the same file, so every format has the same bytes as formatting it whole', () => {
    const file = sessionFile([1_001, 3]);
    for (const format of ['txt', 'srt', 'vtt', 'json'] as ExportFormat[]) {
      const single = { ...file, sessions: format === 'json' ? file.sessions : [file.sessions[0]!] };
      const rebuilt = deliver(exportJobMessages(single, format, 'x', 97));
      expect(rebuilt).toEqual(single);
      expect(formatSession(rebuilt, format)).toBe(formatSession(single, format));
    }
  });

  it('refuses messages out of order and a slice size that would loop forever', () => {
    expect(() => new ExportAssembler().accept({ kind: 'finish' })).toThrow(/out of order/);
    const assembler = new ExportAssembler();
    assembler.accept({ kind: 'start', format: 'txt', mime: 'x', file: sessionFile([0]) });
    expect(() => assembler.accept({ kind: 'utterances', session: 4, utterances: [] })).toThrow(
      /no session 4/,
    );
    expect(() => [...exportJobMessages(sessionFile([1]), 'txt', 'x', 0)]).toThrow(RangeError);
  });
});

describe('formatToBlob without a Worker (the fallback)', () => {
  it('formats in place with the same bytes', async () => {
    expect(typeof Worker).toBe('undefined'); // Node: the path taken where no worker can start
    const file = sessionFile([50]);
    for (const format of ['txt', 'srt', 'vtt', 'json'] as ExportFormat[]) {
      const blob = await formatToBlob(file, format, 'text/plain');
      expect(blob.type).toBe('text/plain');
      expect(await blob.text()).toBe(formatSession(file, format));
    }
  });
});
