// The widget's test pages: the repository served on 127.0.0.1 under the strict CSP the widget is
// built for, and what each widget on a page drew. Shared by the widget's browser tests.
import { openPage } from './page.mjs';
import { root } from './models.mjs';

export const CSP = "script-src 'self' 'wasm-unsafe-eval'; worker-src blob: 'self'";

// The repository served on 127.0.0.1 and `urlPath` opened on it; window.cspViolations collects
// what the page's Content-Security-Policy blocked.
export const open = (urlPath, { browser = 'chromium', isolated = false, viewport } = {}) =>
  openPage(urlPath, {
    browser,
    serve: root,
    isolated,
    viewport,
    ready: false,
    initScript: () => {
      window.cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) =>
        window.cspViolations.push(`${e.violatedDirective}: ${e.blockedURI}`),
      );
    },
  });

// Scrolls each widget into view (they start lazily), waits until every one has drawn or failed;
// returns per widget {error, canvases, text}.
export async function widgets(page, count) {
  for (let i = 0; i < count; i++) {
    await page.locator('conv-scope').nth(i).scrollIntoViewIfNeeded();
    await page.waitForFunction(
      (k) => {
        const s = document.querySelectorAll('conv-scope')[k].shadowRoot;
        return !s.querySelector('.error').hidden || s.querySelector('main canvas, main pre, main svg');
      },
      i,
      { timeout: 120000 },
    );
  }
  await page.waitForFunction(
    (n) => {
      const all = [...document.querySelectorAll('conv-scope')];
      return (
        all.length === n &&
        all.every((w) => {
          const s = w.shadowRoot;
          return !s.querySelector('.error').hidden || s.querySelector('main canvas, main pre, main svg');
        })
      );
    },
    count,
    { timeout: 120000 },
  );
  return page.evaluate(() =>
    [...document.querySelectorAll('conv-scope')].map((w) => {
      const s = w.shadowRoot;
      return {
        error: s.querySelector('.error').hidden ? null : s.querySelector('.error').textContent,
        canvases: [...s.querySelectorAll('main canvas:not([aria-label="zoomed tile"])')].map((c) =>
          window.testSupport.pixels(c),
        ),
        text: s.querySelector('main pre')?.textContent ?? '',
      };
    }),
  );
}

// A grayscale model's predictions in widget `selector`: whether the picture is gray, and the
// picture as the model sees it (its size, gray?).
export const seenPictures = (page, selector) =>
  page.evaluate((sel) => {
    const root = document.querySelector(sel).shadowRoot;
    const gray = (c) => {
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      for (let i = 0; i < d.length; i += 4) if (d[i] !== d[i + 1] || d[i] !== d[i + 2]) return false;
      return true;
    };
    const seen = root.querySelector('canvas[aria-label^="the picture as the model sees it"]');
    return {
      picture: gray(root.querySelector('canvas[aria-label="your picture"]')),
      seen: { width: seen.width, height: seen.height, gray: gray(seen) },
    };
  }, selector);
