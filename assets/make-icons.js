#!/usr/bin/env node
// Draws the tray icons (idle, waiting, paused at 16 and 32 px) and the app icon as PNG files,
// with no dependencies and no network: shapes are signed-distance tests, supersampled 4×4 for
// anti-aliasing, and the PNG is written by hand (zlib + CRC-32).
// Run: node assets/make-icons.js
'use strict';
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { deflateSync } = require('node:zlib');

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
function png(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// Shapes in a unit square (0..1): each returns true when the point is inside.
const circle = (cx, cy, r) => (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
const ring = (cx, cy, r1, r2) => (x, y) => {
  const d = (x - cx) ** 2 + (y - cy) ** 2;
  return d <= r2 * r2 && d >= r1 * r1;
};
const rect = (x0, y0, x1, y1) => (x, y) => x >= x0 && x <= x1 && y >= y0 && y <= y1;

// The Airlock mark: a ring (the hatch) with a bar across it (the lock), plus a state sign.
const DESIGNS = {
  idle: [
    { color: [90, 98, 110], shape: ring(0.5, 0.5, 0.3, 0.44) },
    { color: [90, 98, 110], shape: rect(0.22, 0.44, 0.78, 0.56) },
  ],
  waiting: [
    { color: [230, 119, 0], shape: ring(0.5, 0.5, 0.3, 0.44) },
    { color: [230, 119, 0], shape: rect(0.22, 0.44, 0.78, 0.56) },
    { color: [201, 42, 42], shape: circle(0.8, 0.2, 0.2) },
  ],
  paused: [
    { color: [134, 142, 150], shape: ring(0.5, 0.5, 0.3, 0.44) },
    { color: [201, 42, 42], shape: rect(0.36, 0.3, 0.45, 0.7) },
    { color: [201, 42, 42], shape: rect(0.55, 0.3, 0.64, 0.7) },
  ],
  app: [
    { color: [34, 40, 49], shape: circle(0.5, 0.5, 0.48) },
    { color: [116, 143, 252], shape: ring(0.5, 0.5, 0.26, 0.38) },
    { color: [116, 143, 252], shape: rect(0.18, 0.45, 0.82, 0.55) },
  ],
};

function render(design, size) {
  const out = Buffer.alloc(size * size * 4);
  const S = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0,
        g = 0,
        b = 0,
        a = 0;
      for (let sy = 0; sy < S; sy++) {
        for (let sx = 0; sx < S; sx++) {
          const x = (px + (sx + 0.5) / S) / size;
          const y = (py + (sy + 0.5) / S) / size;
          // Later layers paint over earlier ones.
          let hit = null;
          for (const layer of design) if (layer.shape(x, y)) hit = layer.color;
          if (hit) {
            r += hit[0];
            g += hit[1];
            b += hit[2];
            a += 1;
          }
        }
      }
      const i = (py * size + px) * 4;
      if (a > 0) {
        out[i] = Math.round(r / a);
        out[i + 1] = Math.round(g / a);
        out[i + 2] = Math.round(b / a);
        out[i + 3] = Math.round((255 * a) / (S * S));
      }
    }
  }
  return png(size, out);
}

const dir = __dirname;
for (const state of ['idle', 'waiting', 'paused']) {
  writeFileSync(join(dir, `tray-${state}.png`), render(DESIGNS[state], 16));
  writeFileSync(join(dir, `tray-${state}@2x.png`), render(DESIGNS[state], 32));
}
writeFileSync(join(dir, 'icon.png'), render(DESIGNS.app, 512));
console.log('icons written to', dir);
