// Launches Debian's Firefox ESR through puppeteer-core over WebDriver BiDi (Puppeteer's own browser
// download cannot work here), headless, with a fresh profile. The page API is Puppeteer's, close
// to Playwright's: goto, evaluate, waitForFunction.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import puppeteer from 'puppeteer-core';

const EXECUTABLE = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

// dark: the profile prefers a dark colour scheme (Firefox has no per-page override over BiDi).
export async function launchFirefox({ dark = false } = {}) {
  const profile = await mkdtemp(path.join(os.tmpdir(), 'convscope-firefox-'));
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: EXECUTABLE,
    headless: true,
    userDataDir: profile,
    // A benchmark's evaluate() runs for minutes; Puppeteer's default gives up after 3.
    protocolTimeout: 30 * 60 * 1000,
    // No update checks, telemetry or other background traffic.
    extraPrefsFirefox: {
      'app.update.enabled': false,
      'browser.shell.checkDefaultBrowser': false,
      'datareporting.policy.dataSubmissionEnabled': false,
      'toolkit.telemetry.enabled': false,
      'network.captive-portal-service.enabled': false,
      // 0: dark, 1: light (what prefers-color-scheme reports to pages).
      'layout.css.prefers-color-scheme.content-override': dark ? 0 : 1,
    },
  });
  return {
    browser,
    version: await browser.version(),
    async close() {
      await browser.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
