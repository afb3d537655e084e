// Text metadata in PNG files: the CRC the chunks need (shared with the CLI's encoder, cli/png.mjs)
// and text chunks added to a PNG the browser made (canvas.toBlob writes none), so that a figure
// exported from the page names its model and picture as the CLI's do.

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** @param {Uint8Array} bytes */
export function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

// An iTXt chunk (UTF-8 text: captions hold ×, → and names in any script) with `keyword`.
function textChunk(keyword, text) {
  const utf8 = new TextEncoder();
  // keyword, 0, no compression (0, 0), no language tag, no translated keyword: then the text.
  const data = new Uint8Array([...utf8.encode(keyword), 0, 0, 0, 0, 0, ...utf8.encode(text)]);
  const chunk = new Uint8Array(12 + data.length);
  const view = new DataView(chunk.buffer);
  view.setUint32(0, data.length);
  chunk.set(utf8.encode('iTXt'), 4);
  chunk.set(data, 8);
  view.setUint32(8 + data.length, crc32(chunk.subarray(4, 8 + data.length)));
  return chunk;
}

// `png` (a Blob) with `text` ({keyword: value}) added after its header chunk.
/** @param {Blob} png @param {Record<string, string>} text */
export async function withPngText(png, text) {
  const bytes = new Uint8Array(await png.arrayBuffer());
  const afterHeader = 8 + 25; // the signature, then IHDR: length, type, 13 bytes, CRC
  const chunks = Object.entries(text).map(([k, v]) => textChunk(k, v));
  return new Blob([bytes.subarray(0, afterHeader), ...chunks, bytes.subarray(afterHeader)], { type: 'image/png' });
}
