import { existsSync, readFileSync } from 'node:fs';

/**
 * Where the browser suites find Chrome or Chromium: CHROME_PATH first, then the usual install
 * paths on Linux and macOS (test/chrome.json, shared with the plain-JS web-test-runner config).
 * No test tool downloads a browser.
 */
interface ChromeSettings {
  readonly candidates: readonly string[];
  readonly help: string;
  /** Flags for headless Chromium on these machines (root, no internet). */
  readonly args: readonly string[];
}

const settings = JSON.parse(readFileSync(new URL('./chrome.json', import.meta.url), 'utf8')) as ChromeSettings;

export const CHROME_HELP = settings.help;
export const CHROME_ARGS: string[] = [...settings.args];

export function findChrome(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const fromEnv = env['CHROME_PATH'];
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  return settings.candidates.find((p) => existsSync(p));
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
