// A static file server for dist/site (and the browser tests): 127.0.0.1 unless told otherwise, the
// MIME types streaming wasm compilation needs, and the headers that make the page
// cross-origin isolated, without which a browser gives no SharedArrayBuffer and so no threads:
//   Cross-Origin-Opener-Policy: same-origin
//   Cross-Origin-Embedder-Policy: require-corp
// (docs/embedding.md says what another host needs). Records every request path it saw.
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.cjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
};

export const ISOLATION_HEADERS = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
};

// root: the folder served; extra: path -> bytes served from memory; isolated: send the isolation
// headers; port 0: any free one.
export async function startStaticServer(root, { extra = {}, isolated = false, host = '127.0.0.1', port = 0 } = {}) {
  const requests = [];
  const headers = isolated ? ISOLATION_HEADERS : {};
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    requests.push(url.pathname);
    if (extra[url.pathname]) {
      res.writeHead(200, { ...headers, 'content-type': 'application/octet-stream' });
      res.end(extra[url.pathname]);
      return;
    }
    let file = path.join(root, decodeURIComponent(url.pathname));
    if (!file.startsWith(root + path.sep) && file !== root) {
      res.writeHead(403).end();
      return;
    }
    if (url.pathname.endsWith('/')) file = path.join(file, 'index.html');
    try {
      const body = await readFile(file);
      res.writeHead(200, { ...headers, 'content-type': MIME[path.extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404, headers).end();
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const address = server.address();
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.close(resolve);
        server.closeAllConnections(); // a browser keeps its connections open
      }),
  };
}
