// What the page's and the widget's sources use that the DOM's own types do not declare (for
// npm run typecheck; nothing imports this file).

/** Where the widget script was loaded from: set by the widget build's output intro (web/vite.config.js). */
declare const CONVSCOPE_SCRIPT_URL: string;

interface Window {
  /** The page's state (main.js), for tests and the console. */
  convscopeApp?: unknown;
  /** Set when the page has opened its model and first image, or failed to (tests wait for it). */
  convscopeReady?: boolean;
}

interface Navigator {
  /** The Device Memory API (Chromium): the device's memory in GB, rounded down, at most 8. */
  readonly deviceMemory?: number;
}
