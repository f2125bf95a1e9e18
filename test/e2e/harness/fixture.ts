/**
 * One stack and one browser per test file (node:test `before`/`after`), fresh browser contexts
 * per test, closed when the test ends, and the navigation log tests read `auth_error` codes from (the app removes the code
 * from its URL once read, so the log is where a test sees it).
 */
import { after, afterEach, before } from 'node:test';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { closeAll, launchBrowser, newContext, type LaunchOptions } from './browser.ts';
import { startStack, type Stack, type StackOptions } from './stack.ts';
import type { InspectingProxy } from './proxy.ts';

export interface Fixture {
  readonly stack: Stack;
  readonly browser: Browser;
  /** The stack's proxy (the fixture always starts one unless told not to). */
  readonly proxy: InspectingProxy;
  /** A fresh profile and page; closed by the fixture when the test that made it ends. */
  page(options?: BrowserContextOptions): Promise<{ ctx: BrowserContext; page: Page; nav: string[] }>;
}

export function useStack(
  stackOpts: StackOptions | (() => StackOptions) = {},
  launch: (s: Stack) => LaunchOptions = (s) => (s.proxy ? { proxy: s.proxy.server } : {}),
): Fixture {
  let stack: Stack | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  before(async () => {
    stack = await startStack({ proxy: true, ...(typeof stackOpts === 'function' ? stackOpts() : stackOpts) });
    browser = await launchBrowser(launch(stack));
  });
  // A signed-in profile left open keeps refreshing in the background: the next test's count of
  // token requests would see its refreshes (a2-state failed that way once at concurrency 2).
  const closeContexts = async () => {
    // A test may have closed its own already; closing again is a no-op or that error.
    for (const c of contexts.splice(0)) await c.close().catch(() => undefined);
  };
  afterEach(closeContexts);
  after(async () => {
    await closeContexts();
    await closeAll(browser, stack);
  });
  return {
    get stack() {
      if (!stack) throw new Error('stack not started');
      return stack;
    },
    get browser() {
      if (!browser) throw new Error('browser not started');
      return browser;
    },
    get proxy() {
      if (!stack?.proxy) throw new Error('no proxy in this stack');
      return stack.proxy;
    },
    async page(options?: BrowserContextOptions) {
      if (!browser) throw new Error('browser not started');
      const ctx = await newContext(browser, options);
      contexts.push(ctx);
      const page = await ctx.newPage();
      return { ctx, page, nav: navigationLog(page) };
    },
  };
}

/**
 * `f.page()` plus `reset` after each test (after its contexts are closed): for suites that change
 * the shared proxy or stop a server in a test, so a failed test leaves nothing behind for the next.
 */
export function pagePerTest(f: Fixture, reset: () => unknown = () => undefined): Fixture['page'] {
  afterEach(async () => {
    await reset();
  });
  return (options) => f.page(options);
}

/** URLs of the main frame's navigation requests, as they happen (redirects included). */
export function navigationLog(page: Page): string[] {
  const log: string[] = [];
  page.on('request', (r) => {
    if (r.isNavigationRequest() && r.frame() === page.mainFrame()) log.push(r.url());
  });
  return log;
}

/** The `auth_error` code of the last navigation to the app that carried one. */
export function lastAuthError(nav: readonly string[]): string | null {
  for (let i = nav.length - 1; i >= 0; i--) {
    const code = new URL(nav[i]!).searchParams.get('auth_error');
    if (code !== null) return code;
  }
  return null;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `f` until it returns a value other than undefined (generous: the machine is slow). */
export async function eventually<T>(f: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}
