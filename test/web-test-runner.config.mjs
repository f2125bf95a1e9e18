// Component tests in real Chromium (issue 4). Run: npm run test:components
import { existsSync, readFileSync } from 'node:fs';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
// Chromium's accessibility tree, so tests check the names assistive tech really computes.
import { a11ySnapshotPlugin } from '@web/test-runner-commands/plugins';

// Same settings as test/find-chrome.ts (test/chrome.json): CHROME_PATH, then the usual paths.
const chrome = JSON.parse(readFileSync(new URL('./chrome.json', import.meta.url), 'utf8'));
const fromEnv = process.env.CHROME_PATH;
const executablePath = fromEnv ? (existsSync(fromEnv) ? fromEnv : undefined) : chrome.candidates.find((p) => existsSync(p));
if (!executablePath) {
  console.error(chrome.help);
  process.exit(1);
}

export default {
  rootDir: '.',
  files: ['test/components/**/*.test.ts'],
  nodeResolve: true,
  // More than one page at a time makes axe checks hang (known upstream issue).
  concurrency: 1,
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath,
        args: chrome.args,
      },
    }),
  ],
  plugins: [a11ySnapshotPlugin(), esbuildPlugin({ ts: true, tsconfig: 'tsconfig.json' })],
  testFramework: { config: { timeout: 20000 } },
  testsFinishTimeout: 300000,
};
