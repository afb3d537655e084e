// One page API over Chromium (playwright-core) and Firefox ESR (puppeteer-core over WebDriver
// BiDi), for the tests that run in both: open a URL with a colour scheme and a viewport, evaluate,
// wait, click, press keys, set a file input, take a screenshot. Collects console and page errors.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

import { launchChromium } from './chromium.mjs';
import { launchFirefox } from './firefox.mjs';

export const BROWSERS = ['chromium', 'firefox'];
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

// dark: prefers-color-scheme dark; viewport: {width, height}. Resolves to a page whose
// `problems` lists console errors and uncaught exceptions.
export async function openIn(
  browserName,
  url,
  { dark = false, viewport = { width: 1280, height: 900 }, initScript } = {},
) {
  if (browserName === 'chromium') {
    const b = await launchChromium({ colorScheme: dark ? 'dark' : 'light', viewport });
    const page = await b.context.newPage();
    const api = wrap(page, b.close, {
      waitFor: (fn, arg, timeout) => page.waitForFunction(fn, arg, { timeout }),
      setFiles: (selector, files) => page.setInputFiles(selector, files),
    });
    page.on('console', (m) => m.type() === 'error' && api.problems.push(m.text()));
    page.on('pageerror', (e) => api.problems.push(e.message));
    if (initScript) await page.addInitScript(initScript);
    await page.goto(url);
    return api;
  }
  const b = await launchFirefox({ dark });
  const page = await b.browser.newPage();
  await page.setViewport(viewport);
  const api = wrap(page, b.close, {
    waitFor: (fn, arg, timeout) => page.waitForFunction(fn, { timeout }, arg),
    setFiles: async (selector, files) => (await page.$(selector)).uploadFile(...[files].flat()),
  });
  page.on('console', (m) => m.type() === 'error' && api.problems.push(m.text()));
  page.on('pageerror', (e) => api.problems.push(e.message));
  if (initScript) await page.evaluateOnNewDocument(initScript);
  await page.goto(url);
  return api;
}

function wrap(page, close, { waitFor, setFiles }) {
  return {
    problems: [],
    raw: page,
    evaluate: (fn, arg) => page.evaluate(fn, arg),
    waitFor: (fn, arg, timeout = 120000) => waitFor(fn, arg, timeout),
    click: (selector) => page.click(selector),
    focus: (selector) => page.focus(selector),
    press: (key) => page.keyboard.press(key),
    setFiles,
    screenshot: (file) => page.screenshot({ path: file, fullPage: true }),
    close,
    // axe-core's violations of impact serious or critical on the page as it is now.
    async axe() {
      if (!(await page.evaluate(() => Boolean(window.axe)))) await page.evaluate(AXE);
      return page.evaluate(async () => {
        const r = await window.axe.run(document, { resultTypes: ['violations'] });
        return r.violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map(
            (v) =>
              `${v.id} (${v.impact}): ${v.nodes
                .slice(0, 3)
                .map((n) => n.target.join(' '))
                .join(', ')}`,
          );
      });
    },
  };
}
