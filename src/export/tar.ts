/**
 * A minimal uncompressed POSIX ustar writer, enough to bundle the raw WAL segments of "Download
 * diagnostics" into one file that `tar -xf` (and the wal CLI) can read. Regular files only.
 *
 * Layout per file: a 512-byte header, the bytes, zero padding to a multiple of 512; the archive ends
 * with two 512-byte zero blocks.
 */

export interface TarEntry {
  /** Path inside the archive, '/'-separated, at most 255 bytes (split into prefix + name). */
  path: string;
  bytes: Uint8Array;
  /** Unix ms; defaults to 0. */
  mtime?: number;
}

const BLOCK = 512;
const encoder = new TextEncoder();

function writeString(header: Uint8Array, offset: number, length: number, value: string): void {
  const bytes = encoder.encode(value);
  if (bytes.length > length) throw new Error(`tar: "${value}" does not fit in ${length} bytes`);
  header.set(bytes, offset);
}

/** Numeric fields are zero-padded octal followed by a NUL. */
function writeOctal(header: Uint8Array, offset: number, length: number, value: number): void {
  writeString(header, offset, length, value.toString(8).padStart(length - 1, '0') + '\0');
}

function splitPath(path: string): { prefix: string; name: string } {
  if (encoder.encode(path).length <= 100) return { prefix: '', name: path };
  const cut = path.lastIndexOf('/', 155);
  const prefix = cut > 0 ? path.slice(0, cut) : '';
  const name = cut > 0 ? path.slice(cut + 1) : path;
  if (cut <= 0 || encoder.encode(name).length > 100 || encoder.encode(prefix).length > 155) {
    throw new Error(`tar: path too long: ${path}`);
  }
  return { prefix, name };
}

function header(entry: TarEntry): Uint8Array {
  const h = new Uint8Array(BLOCK);
  const { prefix, name } = splitPath(entry.path.replace(/^\/+/, ''));
  writeString(h, 0, 100, name);
  writeOctal(h, 100, 8, 0o644);
  writeOctal(h, 108, 8, 0);
  writeOctal(h, 116, 8, 0);
  writeOctal(h, 124, 12, entry.bytes.length);
  writeOctal(h, 136, 12, Math.floor((entry.mtime ?? 0) / 1000));
  h.fill(0x20, 148, 156); // checksum field counts as spaces while summing
  h[156] = 0x30; // '0': regular file
  writeString(h, 257, 6, 'ustar\0');
  writeString(h, 263, 2, '00');
  writeString(h, 345, 155, prefix);
  let sum = 0;
  for (const byte of h) sum += byte;
  writeString(h, 148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
  return h;
}

export function createTar(entries: TarEntry[]): Uint8Array {
  let size = 2 * BLOCK;
  for (const e of entries) size += BLOCK + Math.ceil(e.bytes.length / BLOCK) * BLOCK;
  const out = new Uint8Array(size);
  let offset = 0;
  for (const e of entries) {
    out.set(header(e), offset);
    offset += BLOCK;
    out.set(e.bytes, offset);
    offset += Math.ceil(e.bytes.length / BLOCK) * BLOCK;
  }
  return out;
}
