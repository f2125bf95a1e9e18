// Component tests in real Chromium (issue 4). Run: npm run test:components
import { existsSync } from 'node:fs';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
// Chromium's accessibility tree, so tests check the names assistive tech really computes.
import { a11ySnapshotPlugin } from '@web/test-runner-commands/plugins';

// Same search order as test/find-chrome.ts (that file is TypeScript; this config is loaded by plain Node).
const candidates = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];
const fromEnv = process.env.CHROME_PATH;
const executablePath = fromEnv ? (existsSync(fromEnv) ? fromEnv : undefined) : candidates.find((p) => existsSync(p));
if (!executablePath) {
  console.error('No Chrome or Chromium found: set CHROME_PATH, or install one (Debian/Ubuntu: sudo apt-get install chromium).');
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
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-dev-shm-usage',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
        ],
      },
    }),
  ],
  plugins: [a11ySnapshotPlugin(), esbuildPlugin({ ts: true, tsconfig: 'tsconfig.json' })],
  testFramework: { config: { timeout: 20000 } },
  testsFinishTimeout: 300000,
};
