// Pages in a headless browser for the browser tests: one way to open them, in Chromium
// (playwright-core) or Firefox ESR (puppeteer-core over WebDriver BiDi), with what every test
// checks collected (console errors, uncaught exceptions, requests that leave the machine); and the
// checks the tests share, run inside the page: a canvas's pixels summed up, how long the page's
// thread was busy at a stretch, axe-core, the page settled, the error it shows.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

import { launchChromium } from './chromium.mjs';
import { launchFirefox } from './firefox.mjs';
import { startStaticServer } from './static_server.mjs';

export const BROWSERS = ['chromium', 'firefox'];
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
// How long a wait (waitForFunction, a click) may take before the test fails.
const TIMEOUT = 120000;

// Opens `url` in a fresh browser profile. Options:
//   browser     'chromium' (default) or 'firefox'
//   serve       a folder to serve on 127.0.0.1 for this page (cross-origin isolated with
//               `isolated`); `url` is then a path on that server
//   dark        prefers-color-scheme: dark;  viewport  {width, height}, default 1280 x 720
//   scale       the device pixel ratio (default 1)
//   initScript  a function (or script text) run in the page before its own scripts
//   routes      Chromium: URL glob -> bytes answered from memory
//   ready       wait for window.convscopeReady (set by the page and the tests' pages); default true
// Resolves to {page, problems, requests, server, close}: `page` is Playwright's page in Chromium
// and in Firefox one with the part of Playwright's API the tests use in both (evaluate,
// waitForFunction, click, focus, keyboard.press and type, mouse.move, down and up, setInputFiles,
// screenshot); `problems` lists
// console errors, uncaught exceptions and requests that leave this machine; close() closes the
// browser (and the server).
export async function openPage(
  url,
  {
    browser = 'chromium',
    serve,
    isolated = false,
    dark = false,
    viewport = { width: 1280, height: 720 },
    scale = 1,
    initScript,
    routes = {},
    ready = true,
  } = {},
) {
  const server = serve ? await startStaticServer(serve, {}, { isolated }) : undefined;
  const opened =
    browser === 'chromium'
      ? await chromiumPage(dark, viewport, scale, routes)
      : await firefoxPage(dark, viewport, scale, routes);
  const { page } = opened;
  const problems = [],
    requests = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('request', (r) => {
    requests.push(r.url());
    if (!/^(file|data|blob|about):|^https?:\/\/(127\.0\.0\.1|localhost)[:/]/.test(r.url())) {
      problems.push(`request to ${r.url()}`);
    }
  });
  await opened.addInitScript(installTestSupport);
  if (initScript) await opened.addInitScript(initScript);
  const close = async () => {
    await opened.close();
    await server?.close();
  };
  try {
    await page.goto(server ? `${server.url}${url}` : url);
    if (ready) await page.waitForFunction(() => window.convscopeReady === true, null, { timeout: TIMEOUT });
  } catch (e) {
    await close();
    throw e;
  }
  return { page, problems, requests, server, close };
}

async function chromiumPage(dark, viewport, scale, routes) {
  const b = await launchChromium({ colorScheme: dark ? 'dark' : 'light', viewport, deviceScaleFactor: scale });
  const page = await b.context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  for (const [glob, body] of Object.entries(routes)) {
    await page.route(glob, (route) => route.fulfill({ body, contentType: 'application/octet-stream' }));
  }
  return { page, addInitScript: (fn) => page.addInitScript(fn), close: b.close };
}

async function firefoxPage(dark, viewport, scale, routes) {
  if (Object.keys(routes).length) throw new Error('routes: Chromium only');
  const b = await launchFirefox({ dark });
  const p = await b.browser.newPage();
  await p.setViewport({ ...viewport, deviceScaleFactor: scale });
  const page = {
    on: (event, fn) => p.on(event, fn),
    goto: (url) => p.goto(url),
    evaluate: (fn, arg) => p.evaluate(fn, arg),
    waitForFunction: (fn, arg, { timeout = TIMEOUT } = {}) => p.waitForFunction(fn, { timeout }, arg),
    click: (selector) => p.click(selector),
    focus: (selector) => p.focus(selector),
    keyboard: { press: (key) => p.keyboard.press(key), type: (text) => p.keyboard.type(text) },
    mouse: { move: (x, y) => p.mouse.move(x, y), down: () => p.mouse.down(), up: () => p.mouse.up() },
    setInputFiles: async (selector, files) => (await p.$(selector)).uploadFile(...[files].flat()),
    screenshot: (options) => p.screenshot(options),
  };
  return { page, addInitScript: (fn) => p.evaluateOnNewDocument(fn), close: b.close };
}

// Runs in every page opened here, before the page's own scripts: window.testSupport.
function installTestSupport() {
  let timer,
    due = Infinity,
    record = { longestMs: 0, overMs: [] };
  window.testSupport = {
    // A canvas's size and aria-label, the variance of its pixels' r + g + b (0: one flat colour)
    // and a hash of them (a different picture, almost surely a different hash).
    pixels(canvas) {
      const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let sum = 0,
        sq = 0,
        hash = 0;
      for (let i = 0; i < d.length; i += 4) {
        const v = d[i] + d[i + 1] + d[i + 2];
        sum += v;
        sq += v * v;
        hash = (hash * 31 + v) | 0;
      }
      const n = d.length / 4;
      return {
        label: canvas.getAttribute('aria-label'),
        width: canvas.width,
        height: canvas.height,
        variance: sq / n - (sum / n) ** 2,
        hash,
      };
    },
    // From now on, how long the page's thread was busy at a stretch: a timer due every 10 ms runs
    // late by as long as a task (or rendering, or garbage collection) kept the thread, less up to
    // 10 ms. Works in every browser (Chromium's Long Tasks API reports only tasks over 50 ms and
    // Firefox has none). Calling it again starts afresh.
    watchThread() {
      const INTERVAL_MS = 10;
      clearTimeout(timer);
      record = { longestMs: 0, overMs: [] };
      due = performance.now() + INTERVAL_MS;
      const beat = () => {
        const now = performance.now(),
          late = now - due;
        record.longestMs = Math.max(record.longestMs, late);
        if (late > 50) record.overMs.push(Math.round(late));
        due = now + INTERVAL_MS;
        timer = setTimeout(beat, INTERVAL_MS);
      };
      timer = setTimeout(beat, INTERVAL_MS);
    },
    // What watchThread saw so far, up to this call (which waited for the thread too):
    // {longestMs, overMs: every stretch over 50 ms}.
    threadBusy() {
      const late = performance.now() - due,
        overMs = [...record.overMs];
      if (late > 50) overMs.push(Math.round(late));
      return { longestMs: Math.round(Math.max(record.longestMs, late)), overMs };
    },
  };
}

// Every canvas matching `selector` summed up (window.testSupport.pixels): the view's figures by
// default, without the legends' colour scales.
export const canvases = (page, selector = '#view canvas:not(.colorbar)') =>
  page.evaluate((s) => [...document.querySelectorAll(s)].map((c) => window.testSupport.pixels(c)), selector);

// The arguments of an `explain` request for `method` on the page's model and shown image, as the
// page's worker and its team (web/src/worker_team.js) take them.
export async function explainArgs(page, method, options, overlay = { resize: 'keras', colormap: 'jet', alpha: 1 }) {
  const imageIndex = await page.evaluate(() => window.convscopeApp.state.imageIndex);
  return { model: 'page', image: `image${imageIndex}`, method, options, overlay };
}

// How long the page's thread was busy at a stretch (window.testSupport.watchThread): start
// watching, then read what was seen so far.
export const watchThread = (page) => page.evaluate(() => window.testSupport.watchThread());
export const threadBusy = (page) => page.evaluate(() => window.testSupport.threadBusy());

// The page's thread kept busy for `ms` (to show that a check of threadBusy can fail).
export const busyLoop = (page, ms) =>
  page.evaluate((duration) => {
    const end = performance.now() + duration;
    while (performance.now() < end);
  }, ms);

// axe-core's violations of impact serious or critical (or those of `impacts`) on the page as it is.
export async function axeViolations(page, impacts = ['serious', 'critical']) {
  if (!(await page.evaluate(() => Boolean(window.axe)))) await page.evaluate(AXE);
  return page.evaluate(async (kept) => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations
      .filter((v) => kept.includes(v.impact))
      .map(
        (v) =>
          `${v.id} (${v.impact}): ${v.nodes
            .slice(0, 3)
            .map((n) => n.target.join(' '))
            .join(', ')}`,
      );
  }, impacts);
}

// The page: no view drawing (nor redrawing a part of itself), no request in flight (its progress
// bar shows only after 200 ms, so that alone says little).
export const settled = (page) =>
  page.waitForFunction(
    () =>
      document.getElementById('view').getAttribute('aria-busy') === 'false' &&
      !document.querySelector('#view [aria-busy=true]') &&
      document.getElementById('progress').hidden &&
      (window.convscopeApp?.active ?? 0) === 0,
    null,
    { timeout: TIMEOUT },
  );

// The page's error message, then dismissed with its button (for the next check).
export async function errorText(page) {
  await page.waitForFunction(() => !document.getElementById('error').hidden, null, { timeout: 30000 });
  const text = await page.evaluate(() => document.getElementById('error-text').textContent);
  await page.click('#dismiss-error');
  await page.waitForFunction(() => document.getElementById('error').hidden);
  return text;
}

// The page's views, in the order of its tabs.
export const VIEWS = [
  'predictions',
  'summary',
  'architecture',
  'layer',
  'filters',
  'features',
  'explain',
  'maximize',
  'compare',
];

// Shows a view by clicking its tab, and waits until it is drawn.
export async function showTab(page, tab) {
  await page.click(`#tab-${tab}`);
  await settled(page);
}
