/**
 * Validation of the JSON export format (ExportFile, version 1) before anything is imported.
 * Pure: runs in the persistence worker (which calls it for every import), the window and Node tests.
 * Every rejection message is written for the person who picked the file, not for a developer.
 */
import type { ExportFile } from '../shared/persistence-client.ts';
import type { Utterance } from '../shared/persistence-api.ts';

export const EXPORT_FORMAT = 'scribe-vault-export';
export const EXPORT_VERSION = 1;

/** Limits that keep a hostile or broken file from exhausting memory or storage. */
export const IMPORT_LIMITS = {
  /** Raw JSON text size (characters). An 8-hour session is a few MB; this leaves ample room. */
  maxTextChars: 256 * 1024 * 1024,
  maxSessions: 100_000,
  maxUtterancesPerSession: 1_000_000,
  maxUtteranceChars: 100_000,
  maxTitleChars: 500,
  /** Session ids end up in OPFS file names and WAL records (≤ 64 bytes, ASCII). */
  maxIdChars: 64,
  maxSourceChars: 64,
  maxLangChars: 35,
} as const;

export type ParseExportResult = { ok: true; file: ExportFile } | { ok: false; error: string };

const ID_PATTERN = /^[A-Za-z0-9_.:-]+$/;
/** Unix ms between 1990 and 2200: anything outside is a broken or foreign value. */
const MIN_TIME = 631_152_000_000;
const MAX_TIME = 7_258_118_400_000;

class ImportError extends Error {}

function fail(message: string): never {
  throw new ImportError(message);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'string' ? 'text' : `a ${typeof value}`;
}

function timestamp(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !Number.isInteger(value)) {
    fail(`${where} must be a date in milliseconds, but it is ${describe(value)}.`);
  }
  if (value < MIN_TIME || value > MAX_TIME) fail(`${where} is not a plausible date (${value}).`);
  return value;
}

function text(value: unknown, where: string, maxChars: number, allowEmpty = true): string {
  if (typeof value !== 'string') fail(`${where} must be text, but it is ${describe(value)}.`);
  if (!allowEmpty && value.length === 0) fail(`${where} is empty.`);
  if (value.length > maxChars)
    fail(`${where} is too long (${value.length} characters, at most ${maxChars}).`);
  return value;
}

function offsetMs(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    fail(`${where} must be a non-negative number of milliseconds.`);
  }
  return Math.round(value);
}

function parseUtterance(value: unknown, where: string): Utterance {
  if (!isRecord(value)) fail(`${where} must be an object, but it is ${describe(value)}.`);
  const index = value.index;
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0) {
    fail(`${where} has no valid index (a whole number ≥ 0).`);
  }
  const startMs = offsetMs(value.startMs, `${where} start time`);
  const endMs = offsetMs(value.endMs, `${where} end time`);
  if (endMs < startMs) fail(`${where} ends before it starts.`);
  const confidence = value.confidence ?? null;
  if (confidence !== null && (typeof confidence !== 'number' || !(confidence >= 0 && confidence <= 1))) {
    fail(`${where} confidence must be between 0 and 1, or null.`);
  }
  if (value.uncertain !== undefined && typeof value.uncertain !== 'boolean') {
    fail(`${where} "uncertain" must be true or false.`);
  }
  const utterance: Utterance = {
    index,
    text: text(value.text, `${where} text`, IMPORT_LIMITS.maxUtteranceChars),
    startMs,
    endMs,
    confidence,
  };
  if (value.uncertain === true) utterance.uncertain = true;
  return utterance;
}

function parseSession(value: unknown, position: number): ExportFile['sessions'][number] {
  const where = `Session ${position + 1}`;
  if (!isRecord(value)) fail(`${where} must be an object, but it is ${describe(value)}.`);
  const id = text(value.id, `${where} id`, IMPORT_LIMITS.maxIdChars, false);
  if (!ID_PATTERN.test(id)) fail(`${where} id contains characters that are not allowed.`);
  const startedAt = timestamp(value.startedAt, `${where} start date`);
  const stoppedAt = value.stoppedAt === null ? null : timestamp(value.stoppedAt, `${where} stop date`);
  if (stoppedAt !== null && stoppedAt < startedAt) fail(`${where} stops before it starts.`);
  if (!Array.isArray(value.utterances)) fail(`${where} has no list of utterances.`);
  if (value.utterances.length > IMPORT_LIMITS.maxUtterancesPerSession) {
    fail(`${where} has too many utterances (at most ${IMPORT_LIMITS.maxUtterancesPerSession}).`);
  }
  const seenIndexes = new Set<number>();
  const utterances = value.utterances.map((u, i) => {
    const utterance = parseUtterance(u, `${where}, utterance ${i + 1}`);
    if (seenIndexes.has(utterance.index)) fail(`${where} has two utterances with index ${utterance.index}.`);
    seenIndexes.add(utterance.index);
    return utterance;
  });
  return {
    id,
    title: text(value.title, `${where} title`, IMPORT_LIMITS.maxTitleChars),
    source: text(value.source, `${where} source`, IMPORT_LIMITS.maxSourceChars),
    lang: text(value.lang, `${where} language`, IMPORT_LIMITS.maxLangChars),
    startedAt,
    stoppedAt,
    utterances,
  };
}

function parseJsonText(input: string, maxTextChars: number): unknown {
  if (input.length > maxTextChars) {
    fail(`This file is too large to import (more than ${Math.round(maxTextChars / 1024 / 1024)} MB).`);
  }
  if (input.trim() === '') fail('This file is empty.');
  try {
    return JSON.parse(input);
  } catch {
    fail('This file is not valid JSON — it may be truncated or damaged.');
  }
}

/**
 * Checks that `input` (JSON text, or an already parsed value) is a complete Scribe Vault export of a
 * supported version. Returns a normalised copy (unknown fields dropped) or a message for the user.
 * `maxTextChars` exists so tests can exercise the size limit without building a 256 MB string.
 */
export function parseExportFile(
  input: unknown,
  maxTextChars: number = IMPORT_LIMITS.maxTextChars,
): ParseExportResult {
  try {
    const value = typeof input === 'string' ? parseJsonText(input, maxTextChars) : input;
    if (!isRecord(value)) fail('This file is not a Scribe Vault export (it is not a JSON object).');
    if (value.format === undefined) fail('This file is not a Scribe Vault export (missing format field).');
    if (value.format !== EXPORT_FORMAT) {
      fail(
        `This file is not a Scribe Vault export (format is ${JSON.stringify(value.format).slice(0, 60)}).`,
      );
    }
    if (value.version !== EXPORT_VERSION) {
      const newer = typeof value.version === 'number' && value.version > EXPORT_VERSION;
      fail(
        newer
          ? `This export was made by a newer version of Scribe Vault (format version ${value.version}); update the app to import it.`
          : `This export has an unsupported format version (${JSON.stringify(value.version)}).`,
      );
    }
    const exportedAt = timestamp(value.exportedAt, 'The export date');
    if (!Array.isArray(value.sessions)) fail('This export has no list of sessions — it may be truncated.');
    if (value.sessions.length > IMPORT_LIMITS.maxSessions) {
      fail(`This export has too many sessions (at most ${IMPORT_LIMITS.maxSessions}).`);
    }
    const seenIds = new Set<string>();
    const sessions = value.sessions.map((s, i) => {
      const session = parseSession(s, i);
      if (seenIds.has(session.id)) fail(`The session id "${session.id}" appears twice in this file.`);
      seenIds.add(session.id);
      return session;
    });
    return { ok: true, file: { format: EXPORT_FORMAT, version: EXPORT_VERSION, exportedAt, sessions } };
  } catch (error) {
    if (error instanceof ImportError) return { ok: false, error: error.message };
    if (error instanceof RangeError)
      return { ok: false, error: 'This file is too large or too deeply nested.' };
    throw error;
  }
}
