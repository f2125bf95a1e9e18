import { existsSync } from 'node:fs';

/**
 * Where the browser suites find Chrome or Chromium: CHROME_PATH first, then the usual install
 * paths on Linux and macOS. No test tool downloads a browser.
 */
const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

export const CHROME_HELP =
  'No Chrome or Chromium found: set CHROME_PATH, or install one (Debian/Ubuntu: sudo apt-get install chromium).';

export function findChrome(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const fromEnv = env['CHROME_PATH'];
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  return CANDIDATES.find((p) => existsSync(p));
}

/** For suites: the path, or exit with one clear line saying how to get a browser. */
export function requireChrome(): string {
  const path = findChrome();
  if (!path) {
    console.error(CHROME_HELP);
    process.exit(1);
  }
  return path;
}

/** Flags for headless Chromium on this kind of machine (root, no internet). */
export const CHROME_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
