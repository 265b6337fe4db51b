// Generates the PWA icons in public/icons/ (committed; re-run after changing the design):
//   node tools/make-icons.mjs
// Draws a teal tile with a white sound-wave in pure JS and writes RGBA PNGs with zlib.
import { mkdirSync, writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'public', 'icons');
const BG = [11, 110, 110];
const FG = [255, 255, 255];

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
function png(size, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    signature,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Signed distance to a rounded rectangle centred at (cx, cy). */
function roundedRect(x, y, cx, cy, halfW, halfH, r) {
  const dx = Math.abs(x - cx) - (halfW - r);
  const dy = Math.abs(y - cy) - (halfH - r);
  return Math.hypot(Math.max(dx, 0), Math.max(dy, 0)) + Math.min(Math.max(dx, dy), 0) - r;
}

/**
 * tileRadius: corner radius of the background (0 = full bleed for maskable icons);
 * content: fraction of the size the wave spans (maskable icons keep it inside the 80 % safe zone).
 */
function draw(size, { tileRadius, content }) {
  const rgba = Buffer.alloc(size * size * 4);
  const heights = [0.28, 0.55, 0.9, 0.62, 0.36];
  const span = size * content;
  const barW = span / (heights.length * 2 - 1);
  const SS = 4; // supersampling per axis for smooth edges
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let bg = 0;
      let fg = 0;
      for (let sy = 0; sy < SS; sy++) {
        for (let sx = 0; sx < SS; sx++) {
          const x = px + (sx + 0.5) / SS;
          const y = py + (sy + 0.5) / SS;
          const inTile =
            tileRadius === 0 ||
            roundedRect(x, y, size / 2, size / 2, size / 2, size / 2, tileRadius * size) <= 0;
          if (!inTile) continue;
          bg++;
          for (let i = 0; i < heights.length; i++) {
            const cx = size / 2 - span / 2 + barW / 2 + i * 2 * barW;
            const halfH = (heights[i] * span) / 2;
            if (roundedRect(x, y, cx, size / 2, barW / 2, halfH, barW / 2) <= 0) {
              fg++;
              break;
            }
          }
        }
      }
      const o = (py * size + px) * 4;
      const total = SS * SS;
      const f = bg ? fg / bg : 0;
      for (let c = 0; c < 3; c++) rgba[o + c] = Math.round(BG[c] * (1 - f) + FG[c] * f);
      rgba[o + 3] = Math.round((255 * bg) / total);
    }
  }
  return png(size, rgba);
}

mkdirSync(OUT, { recursive: true });
const files = {
  'icon-192.png': draw(192, { tileRadius: 0.2, content: 0.56 }),
  'icon-512.png': draw(512, { tileRadius: 0.2, content: 0.56 }),
  'icon-maskable-512.png': draw(512, { tileRadius: 0, content: 0.46 }),
  'apple-touch-icon-180.png': draw(180, { tileRadius: 0, content: 0.5 }),
};
for (const [name, bytes] of Object.entries(files)) {
  writeFileSync(join(OUT, name), bytes);
  console.log(`${name}: ${bytes.length} bytes`);
}
