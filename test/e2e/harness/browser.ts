/**
 * Debian Chromium driven by playwright-core, and the page-level helpers every e2e test uses.
 */
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { CHROME_ARGS, requireChrome } from '../../find-chrome.ts';
import { DEMO_USERS } from '../../stack/idp/server.ts';
import type { StackOrigins } from '../../stack/ports.ts';
import type { PageRequest, Reply, ResultMap, PageRequestType } from '../../../sw/protocol.ts';
import { RECORD_MESSAGES_SCRIPT } from './message-recorder.ts';

export interface LaunchOptions {
  /** The inspecting proxy every request goes through (stack.proxy.server). */
  readonly proxy?: string;
  /** e.g. `--host-resolver-rules=MAP evil.e2e.test 127.0.0.1`. */
  readonly extraArgs?: readonly string[];
}

export async function launchBrowser(opts: LaunchOptions = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: requireChrome(),
    args: [...CHROME_ARGS, ...(opts.extraArgs ?? [])],
    ...(opts.proxy ? { proxy: { server: opts.proxy } } : {}),
  });
}

/** A fresh profile whose pages record every message they receive (for the leak scanner). */
export async function newContext(browser: Browser, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  const ctx = await browser.newContext(options);
  await ctx.addInitScript(RECORD_MESSAGES_SCRIPT);
  return ctx;
}

const LONG = 30_000;

/** Opens the app and waits until the SW controls the page (the vault claims uncontrolled pages). */
export async function openApp(page: Page, origins: StackOrigins, path = '/'): Promise<void> {
  await page.goto(origins.appOrigin + path);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: LONG });
}

export type DemoUsername = 'alice' | 'bob';

/** Fills the real IdP login form for `user` (the browser must be on it). */
export async function fillIdpLogin(page: Page, origins: StackOrigins, user: DemoUsername): Promise<void> {
  const u = DEMO_USERS.find((d) => d.username === user);
  if (!u) throw new Error(`unknown demo user ${user}`);
  await page.waitForURL((url) => url.origin === origins.issuer, { timeout: LONG });
  await page.locator('input[name="username"]').fill(u.username);
  await page.locator('input[name="password"]').fill(u.password);
  await page.locator('form button[type="submit"]').click();
}

/** Waits until the page is back on the app, past /callback and /login. */
export async function waitForApp(page: Page, origins: StackOrigins): Promise<void> {
  await page.waitForURL((url) => url.origin === origins.appOrigin && url.pathname !== '/callback' && url.pathname !== '/login', { timeout: LONG });
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: LONG });
}

/** Signs in through the SW's `/login` route and the real IdP login form; returns when back. */
export async function signIn(page: Page, origins: StackOrigins, user: DemoUsername = 'alice', returnTo = '/'): Promise<void> {
  await openApp(page, origins);
  await page.goto(`${origins.appOrigin}/login?returnTo=${encodeURIComponent(returnTo)}`);
  await fillIdpLogin(page, origins, user);
  await waitForApp(page, origins);
  await waitForSession(page, 'signed-in');
}

let nextId = 0;

/**
 * Sends one protocol request to the controlling SW from the page, the way the vault client does
 * (MessageChannel, reply matched by id), and returns the reply.
 */
export async function swRequest<T extends PageRequestType>(
  page: Page,
  type: T,
  fields: Omit<Extract<PageRequest, { type: T }>, 'v' | 'id' | 'type'> = {} as Omit<Extract<PageRequest, { type: T }>, 'v' | 'id' | 'type'>,
  timeoutMs = 10_000,
): Promise<Reply<T>> {
  const id = `e2e-${++nextId}`;
  const message = { ...fields, type, v: 1, id };
  return page.evaluate(
    ([msg, ms]) =>
      new Promise<Reply<T>>((resolve, reject) => {
        const sw = navigator.serviceWorker.controller;
        if (!sw) return reject(new Error('page not controlled'));
        const ch = new MessageChannel();
        const timer = setTimeout(() => reject(new Error('no reply from SW')), ms);
        ch.port1.onmessage = (e: MessageEvent<Reply<T>>) => {
          clearTimeout(timer);
          resolve(e.data);
        };
        sw.postMessage(msg, [ch.port2]);
      }),
    [message, timeoutMs] as const,
  );
}

/** The session as the SW sees it, with its instance id. */
export type Heartbeat = ResultMap['heartbeat']['session'] & { readonly swInstanceId: string };

/** The session and instance id as the SW sees them (a heartbeat, which the app sends anyway). */
export async function swSession(page: Page): Promise<Heartbeat> {
  const reply = await swRequest(page, 'heartbeat');
  if (!reply.ok) throw new Error(`heartbeat failed: ${reply.error.code}`);
  return { ...reply.result.session, swInstanceId: reply.result.swInstanceId };
}

/** Polls the SW until its session has `status` (generous: this machine is slow). */
export async function waitForSession<S extends Heartbeat['status']>(
  page: Page,
  status: S,
  timeoutMs = LONG,
): Promise<Extract<Heartbeat, { status: S }>> {
  const deadline = Date.now() + timeoutMs;
  let last: Heartbeat | Error | undefined;
  while (Date.now() < deadline) {
    try {
      last = await swSession(page);
      if (last.status === status) return last as Extract<Heartbeat, { status: S }>;
    } catch (e) {
      last = e instanceof Error ? e : new Error(String(e));
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`session never became ${status}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
}

export interface ApiResult {
  readonly status: number;
  readonly body: string;
  readonly wwwAuthenticate: string | null;
}

/** A Todo API call from page script, with no Authorization header: the SW must add it. */
export async function pageFetch(page: Page, url: string, init: RequestInit = {}): Promise<ApiResult> {
  return page.evaluate(
    async ([u, i]) => {
      const r = await fetch(u, i);
      return { status: r.status, body: await r.text(), wwwAuthenticate: r.headers.get('www-authenticate') };
    },
    [url, init] as const,
  );
}

/**
 * Stops every service worker of the page's profile through CDP and waits until it has stopped.
 * Playwright attaches a debugger to SWs, which disables Chromium's idle stop, so tests stop
 * them explicitly.
 */
export async function stopServiceWorkers(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const running = new Map<string, string>();
    // Versions seen stopped after the stop command: an open page may start the SW again at once
    // (a heartbeat, an API call), so "stopped now" could be missed; "was stopped" is what counts.
    let stopping = false;
    const stopped = new Set<string>();
    cdp.on('ServiceWorker.workerVersionUpdated', (e) => {
      for (const v of e.versions) {
        running.set(v.versionId, v.runningStatus);
        if (stopping && v.runningStatus === 'stopped') stopped.add(v.versionId);
      }
    });
    await cdp.send('ServiceWorker.enable');
    // enable reports the current versions asynchronously: stop only once they are known.
    const seen = Date.now() + 5_000;
    while (running.size === 0 && Date.now() < seen) await new Promise((r) => setTimeout(r, 20));
    stopping = true;
    for (const [id, s] of running) if (s === 'stopped') stopped.add(id);
    await cdp.send('ServiceWorker.stopAllWorkers');
    const deadline = Date.now() + LONG;
    while ([...running.keys()].some((id) => !stopped.has(id))) {
      if (Date.now() > deadline) throw new Error(`SW did not stop: ${JSON.stringify([...running])}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    await cdp.send('ServiceWorker.disable');
  } finally {
    await cdp.detach().catch(() => undefined);
  }
}

/** Closes everything a test opened, ignoring what is already closed. */
export async function closeAll(...things: ({ close(): Promise<unknown> } | undefined)[]): Promise<void> {
  for (const t of things) await t?.close().catch(() => undefined);
}
