// A minimal PNG encoder (8-bit RGBA, no filtering, zlib from Node) with tEXt metadata: enough for
// figures, and no dependency.
import { deflateSync } from 'node:zlib';

import { crc32 } from '../web/src/png_text.js';

export { crc32 };

function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  Buffer.from(data).copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

// image: {width, height, data: RGBA bytes}; text: {keyword: value} written as tEXt (Latin-1).
export function encodePng({ width, height, data }, text = {}) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8 bits, RGBA, deflate, no filter choice, no interlace
  const rows = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    Buffer.from(data.buffer, data.byteOffset + y * width * 4, width * 4).copy(rows, y * (width * 4 + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    ...Object.entries(text).map(([k, v]) => chunk('tEXt', Buffer.from(`${k}\0${v}`, 'latin1'))),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// The tEXt entries of a PNG (for tests and tools reading our figures back).
export function readPngText(png) {
  const text = {};
  for (let at = 8; at + 8 <= png.length;) {
    const length = png.readUInt32BE(at),
      type = png.toString('latin1', at + 4, at + 8);
    if (type === 'tEXt') {
      const body = png.subarray(at + 8, at + 8 + length),
        zero = body.indexOf(0);
      text[body.toString('latin1', 0, zero)] = body.toString('latin1', zero + 1);
    }
    at += 12 + length;
  }
  return text;
}
