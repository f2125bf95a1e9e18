/**
 * One restartable-API stack and one browser per test file, a fresh profile per test. The
 * browser talks to the stack directly (no inspecting proxy): these tests look at the screen only.
 */
import { after, afterEach, before } from 'node:test';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions } from 'playwright-core';
import { CHROME_ARGS, requireChrome } from '../../find-chrome.ts';
import { closeAll, launchBrowser } from '../harness/browser.ts';
import { TodoPage } from './todo-page.ts';
import { startUiStack, type UiStack } from './ui-stack.ts';

export interface UiFixtureOptions {
  /**
   * Serve the app from this host name (mapped to the loopback with `--host-resolver-rules`):
   * another name than `localhost` puts the app on another site than the IdP, so the silent
   * recovery iframe gets no IdP cookie and the top-level recovery redirect runs.
   */
  readonly appHost?: string;
  /**
   * Keep Chromium's back/forward cache on. Playwright turns it off by default
   * (`--disable-back-forward-cache`), so Back would always load a fresh document.
   */
  readonly bfcache?: boolean;
}

export interface UiFixture {
  readonly stack: UiStack;
  /** A new profile (no SW, no IdP cookie) with one page on it. */
  open(options?: BrowserContextOptions): Promise<TodoPage>;
  /** Another tab in the same profile as `app` (same SW, same IdP cookie). */
  openTab(app: TodoPage): Promise<TodoPage>;
}

async function launch(opts: UiFixtureOptions): Promise<Browser> {
  const extraArgs = opts.appHost ? [`--host-resolver-rules=MAP ${opts.appHost} 127.0.0.1`] : [];
  if (!opts.bfcache) return launchBrowser({ extraArgs });
  return chromium.launch({
    executablePath: requireChrome(),
    args: [...CHROME_ARGS, ...extraArgs],
    ignoreDefaultArgs: ['--disable-back-forward-cache'],
  });
}

export function useUiStack(opts: UiFixtureOptions = {}): UiFixture {
  let stack: UiStack | undefined;
  let browser: Browser | undefined;
  let contexts: BrowserContext[] = [];
  before(async () => {
    stack = await startUiStack(opts.appHost === undefined ? {} : { appHost: opts.appHost });
    browser = await launch(opts);
  });
  afterEach(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    contexts = [];
    // A test that failed while the API was down must not take the next test down with it.
    await stack?.api.start();
  });
  after(async () => {
    await closeAll(browser, stack);
  });
  return {
    get stack() {
      if (!stack) throw new Error('stack not started');
      return stack;
    },
    async open(options?: BrowserContextOptions) {
      if (!browser || !stack) throw new Error('browser not started');
      const ctx = await browser.newContext(options);
      contexts.push(ctx);
      return new TodoPage(await ctx.newPage(), stack.origins);
    },
    async openTab(app: TodoPage) {
      return new TodoPage(await app.page.context().newPage(), app.origins);
    },
  };
}
