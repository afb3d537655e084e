// The convscope page in headless Chromium, for the browser tests: open it and wait until it is
// ready, wait for work to settle, read the error it shows.
import { launchChromium } from './chromium.mjs';

// Opens `url` in a fresh Chromium; collects console errors, page errors, requests and long tasks.
// initScript: run in the page before its own scripts (e.g. to stand in for a device's properties).
export async function openPage(url, { initScript } = {}) {
  const browser = await launchChromium();
  const page = await browser.context.newPage();
  const problems = [],
    requests = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('request', (r) => requests.push(r.url()));
  await page.addInitScript(() => {
    window.longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.longTasks.push(e.duration);
    }).observe({ type: 'longtask', buffered: true });
  });
  if (initScript) await page.addInitScript(initScript);
  await page.goto(url);
  await page.waitForFunction(() => window.convscopeReady === true, null, { timeout: 120000 });
  return { browser, page, problems, requests };
}

export const settled = (page) =>
  page.waitForFunction(
    () =>
      document.getElementById('view').getAttribute('aria-busy') === 'false' &&
      document.getElementById('progress').hidden,
    null,
    { timeout: 120000 },
  );

// The page's error message, then dismissed with its button (for the next check).
export async function errorText(page) {
  await page.waitForFunction(() => !document.getElementById('error').hidden, null, { timeout: 30000 });
  const text = await page.textContent('#error-text');
  await page.click('#dismiss-error');
  await page.waitForFunction(() => document.getElementById('error').hidden);
  return text;
}
