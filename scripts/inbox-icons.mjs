// The installed inbox's icons (www/icons/, committed): the favicon's drawing
// (www/favicon.svg: a speech bubble on a rounded green square) rasterized at
// 192 and 512 px, and a maskable 512 px one (full-bleed square, the bubble
// inside the central 80% circle that every mask keeps). Pure Node (zlib), no
// image library: 4x4 samples per pixel, so the same script always writes the
// same bytes. Run it again after changing the drawing: node scripts/inbox-icons.mjs
import { writeFileSync } from "node:fs";
import { deflateSync } from "node:zlib";

const SQUARE = [0x33, 0x50, 0x3f];
const BUBBLE = [0xf5, 0xef, 0xe3];
// The favicon's bubble, in its 32-unit box.
const POLYGON = [[8, 11], [24, 11], [24, 20], [14, 20], [9, 24], [9, 20], [8, 20]];

/** Whether (x, y) is inside the polygon (even-odd rule). */
function inPolygon(x, y, poly) {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i];
    const [xj, yj] = poly[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Whether (x, y) is inside the 32-unit square with corners of radius r (r 0: the whole square). */
function inSquare(x, y, r) {
  const cx = Math.min(Math.max(x, r), 32 - r);
  const cy = Math.min(Math.max(y, r), 32 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r || (x >= r && x <= 32 - r) || (y >= r && y <= 32 - r);
}

/** RGBA pixels of the icon at `size` px; `maskable` fills the square and shrinks the bubble to the safe zone. */
function draw(size, maskable) {
  const scale = maskable ? 0.8 : 1;
  const bubble = POLYGON.map(([x, y]) => [16 + (x - 16) * scale, 17.5 + (y - 17.5) * scale]);
  const px = Buffer.alloc(size * size * 4);
  const n = 4;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let square = 0;
      let inBubble = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const ux = ((x + (sx + 0.5) / n) / size) * 32;
          const uy = ((y + (sy + 0.5) / n) / size) * 32;
          if (!inSquare(ux, uy, maskable ? 0 : 8)) continue;
          square++;
          if (inPolygon(ux, uy, bubble)) inBubble++;
        }
      }
      const i = (y * size + x) * 4;
      const cover = square / (n * n);
      const mix = square ? inBubble / square : 0;
      for (let c = 0; c < 3; c++) px[i + c] = Math.round(SQUARE[c] * (1 - mix) + BUBBLE[c] * mix);
      px[i + 3] = Math.round(cover * 255);
    }
  }
  return px;
}

/** CRC-32 of a PNG chunk (type and data). */
function crc32(bytes) {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function chunk(type, data) {
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const out = Buffer.alloc(body.length + 8);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), body.length + 4);
  return out;
}

/** An 8-bit RGBA PNG of `size` × `size` pixels. */
function png(size, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8);
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) rgba.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk("IHDR", header), chunk("IDAT", deflateSync(rows, { level: 9 })), chunk("IEND", Buffer.alloc(0))]);
}

for (const [name, size, maskable] of [["inbox-192.png", 192, false], ["inbox-512.png", 512, false], ["inbox-maskable-512.png", 512, true]]) {
  writeFileSync(`www/icons/${name}`, png(size, draw(size, maskable)));
}
