/**
 * `npm run wal -- <command> FILE…`: inspect, verify, stats and compact WAL segments, e.g. the
 * diagnostics files the app lets users download. Exit status: 0 done/clean, 1 corruption found
 * (verify), 2 bad arguments or an unreadable file.
 */
import { pathToFileURL } from 'node:url';
import { readSegmentFile } from '../src/core/framing.ts';
import { FsByteFile } from './fs-byte-file.ts';
import { EXIT_USAGE, compact, inspect, stats, verify, type Out, type Segment } from './wal-commands.ts';

export const USAGE = `Usage: npm run wal -- <command> FILE...

Commands:
  inspect FILE... [--json]   one line per record and per skipped byte range
                             (--json: one JSON object per line; partials stored as
                             delta frames show their base seq and stored text bytes)
  verify FILE...             check every frame; exit 0 when clean, 1 when anything was skipped
  stats FILE...              records by type, sessions, bytes (files read as one WAL, in order)
  compact IN... --out OUT    write a new segment without deleted sessions and superseded partials

Exit status: 0 ok, 1 corruption found (verify), 2 bad arguments or unreadable file.`;

interface ParsedArgs {
  command: 'inspect' | 'verify' | 'stats' | 'compact';
  files: string[];
  json: boolean;
  out: string | null;
}

class UsageError extends Error {}

function parseArgs(argv: string[]): ParsedArgs {
  const [command, ...rest] = argv;
  if (command !== 'inspect' && command !== 'verify' && command !== 'stats' && command !== 'compact') {
    throw new UsageError(command === undefined ? 'missing command' : `unknown command '${command}'`);
  }
  const files: string[] = [];
  let json = false;
  let out: string | null = null;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--json' && command === 'inspect') json = true;
    else if (arg === '--out' && command === 'compact') {
      out = rest[++i] ?? null;
      if (out === null || out.startsWith('--')) throw new UsageError('--out needs a file name');
    } else if (arg === '--') {
      files.push(...rest.slice(i + 1)); // everything after `--` is a file name
      break;
    } else if (arg.startsWith('--')) throw new UsageError(`unknown option '${arg}' for ${command}`);
    else files.push(arg);
  }
  if (files.length === 0) throw new UsageError(`${command} needs at least one FILE`);
  if (command === 'compact' && out === null) throw new UsageError('compact needs --out OUT');
  return { command, files, json, out };
}

function describeFsError(path: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOENT'
      ? 'no such file'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'EISDIR'
          ? 'is a directory, not a WAL segment'
          : error instanceof Error
            ? error.message
            : String(error);
  return `wal: cannot read ${path}: ${why}`;
}

function loadSegment(path: string): Segment {
  const file = FsByteFile.open(path, 'r');
  try {
    return { path, read: readSegmentFile(file) };
  } finally {
    file.close();
  }
}

/** Runs the CLI; returns the exit status. */
export function main(argv: string[], out: Out, err: Out): number {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    (argv.length === 0 ? err : out)(USAGE);
    return argv.length === 0 ? EXIT_USAGE : 0;
  }
  let args: ParsedArgs;
  try {
    args = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    err(`wal: ${error.message}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  const segments: Segment[] = [];
  for (const path of args.files) {
    try {
      segments.push(loadSegment(path));
    } catch (error) {
      err(describeFsError(path, error));
      return EXIT_USAGE;
    }
  }
  switch (args.command) {
    case 'inspect':
      return inspect(segments, args.json, out);
    case 'verify':
      return verify(segments, out);
    case 'stats':
      return stats(segments, out);
    case 'compact':
      try {
        return compact(segments, args.out!, out);
      } catch (error) {
        err(`wal: compact failed: ${error instanceof Error ? error.message : String(error)}`);
        return EXIT_USAGE;
      }
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  // `wal inspect big.wal | head` closes stdout early: that is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  const lines: string[] = [];
  const flush = (): void => {
    if (lines.length > 0) process.stdout.write(lines.join('\n') + '\n');
    lines.length = 0;
  };
  const status = main(
    process.argv.slice(2),
    (line) => {
      lines.push(line);
      if (lines.length >= 1000) flush();
    },
    (line) => {
      flush();
      process.stderr.write(line + '\n');
    },
  );
  flush();
  process.exitCode = status;
}
