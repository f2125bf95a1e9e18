/**
 * Issue 3 item 6 and issue 4 item 2, the page's service-worker lifecycle as a user meets it:
 * a first visit and a Shift+Reload (pages the SW does not control) end controlled, signed in
 * and listing todos, with at most one guarded reload and no API call from the uncontrolled
 * page; a browser where service workers cannot run says so instead of spinning; a new SW
 * version shows "Reload to update" and the user stays signed in across it.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { UNAVAILABLE_TEXT } from '../../../src/app/messages.ts';
import { CHROME_ARGS, requireChrome } from '../../find-chrome.ts';
import { swSession } from '../harness/browser.ts';
import { TodoPage, UI_TIMEOUT } from './todo-page.ts';
import { startSwScriptProxy } from './sw-script-proxy.ts';
import { useUiStack } from './ui-fixture.ts';

interface ApiCall {
  readonly url: string;
  /** Whether a SW controlled the page when the app called fetch. */
  readonly controlled: boolean;
}

declare global {
  interface Window {
    lifecycleApiCalls?: ApiCall[];
    lifecycleControlledAtStart?: boolean;
  }
}

/**
 * Before any app script, in every document of the profile: remember whether the document started
 * controlled, and record each `fetch` the page makes to `apiOrigin` with the control state at
 * call time (the app calls the Todo API with plain `fetch`).
 */
async function recordPageSide(ctx: BrowserContext, apiOrigin: string): Promise<void> {
  await ctx.addInitScript((api: string) => {
    if (window.top !== window) return;
    // `navigator.serviceWorker` is missing outside secure contexts (the DOM types say it is always there).
    window.lifecycleControlledAtStart = 'serviceWorker' in navigator && navigator.serviceWorker.controller != null;
    window.lifecycleApiCalls = [];
    const original = window.fetch.bind(window);
    window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
      const url = input instanceof Request ? input.url : String(input);
      if (new URL(url, location.href).origin === api) {
        window.lifecycleApiCalls?.push({ url, controlled: 'serviceWorker' in navigator && navigator.serviceWorker.controller != null });
      }
      return original(input, init);
    };
  }, apiOrigin);
}

/**
 * Network side: every request the page (not the SW) sent towards the API, and whether the SW
 * answered it. A page request to the API that the SW did not answer went out without a token.
 */
function recordApiTraffic(page: Page, apiOrigin: string): { url: string; bySw: boolean | null }[] {
  const log: { url: string; bySw: boolean | null }[] = [];
  page.on('response', (res) => {
    const r = res.request();
    if (new URL(r.url()).origin === apiOrigin && !r.serviceWorker()) log.push({ url: r.url(), bySw: res.fromServiceWorker() });
  });
  page.on('requestfailed', (r) => {
    if (new URL(r.url()).origin === apiOrigin && !r.serviceWorker()) log.push({ url: r.url(), bySw: null });
  });
  return log;
}

/** Top-level document loads of the app (main frame, app origin), in order. */
function appDocumentLoads(page: Page, appOrigin: string): string[] {
  const loads: string[] = [];
  page.on('request', (r) => {
    if (r.isNavigationRequest() && r.frame() === page.mainFrame() && new URL(r.url()).origin === appOrigin) loads.push(r.url());
  });
  return loads;
}

/**
 * Chromium's Shift+Reload: a reload that bypasses the cache, which Chromium also sends past the
 * service worker (the new document starts uncontrolled). `ignoreCache: true` is that reload.
 */
async function shiftReload(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const loaded = page.waitForEvent('load', { timeout: UI_TIMEOUT });
    await cdp.send('Page.reload', { ignoreCache: true });
    await loaded;
  } finally {
    await cdp.detach().catch(() => undefined);
  }
}

async function waitControlled(page: Page): Promise<void> {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: UI_TIMEOUT });
}

async function pageApiCalls(page: Page): Promise<ApiCall[]> {
  return page.evaluate(() => window.lifecycleApiCalls ?? []);
}

function assertNoUncontrolledApiCall(calls: readonly ApiCall[], traffic: readonly { url: string; bySw: boolean | null }[]): void {
  const uncontrolled = calls.filter((c) => !c.controlled);
  assert.deepEqual(uncontrolled, [], `API called from an uncontrolled page: ${JSON.stringify(uncontrolled)}`);
  const pastSw = traffic.filter((t) => t.bySw !== true);
  assert.deepEqual(pastSw, [], `API requests the SW did not answer: ${JSON.stringify(pastSw)}`);
}

function assertNoAuthError(url: string): void {
  assert.equal(new URL(url).searchParams.get('auth_error'), null, `no auth_error in ${url}`);
}

const STARTING = 'Starting…';

describe('issue 3 item 6: uncontrolled pages (first visit, Shift+Reload) end controlled, without a reload loop', () => {
  const fx = useUiStack();

  test('first visit: the page ends controlled and signed out, at most one guarded reload, no API call', async () => {
    const app = await fx.open();
    const ctx = app.page.context();
    await recordPageSide(ctx, app.origins.apiOrigin);
    const traffic = recordApiTraffic(app.page, app.origins.apiOrigin);
    const loads = appDocumentLoads(app.page, app.origins.appOrigin);

    await app.open();
    await app.signInLink.waitFor();
    await waitControlled(app.page);
    assert.equal(await app.page.evaluate(() => window.lifecycleControlledAtStart), false, 'the first visit started uncontrolled');
    assert.ok(loads.length <= 2, `at most one guarded reload on first visit: ${loads.join(' ')}`);
    // Signed out: nothing to ask the API for, from an uncontrolled page or any other.
    assert.deepEqual(await pageApiCalls(app.page), []);
    assert.deepEqual(traffic, []);
    assertNoAuthError(app.page.url());
  });

  test('Shift+Reload while signed in: uncontrolled at start, then controlled, still signed in, list loaded, at most one extra load', async () => {
    const app = await fx.open();
    const ctx = app.page.context();
    await recordPageSide(ctx, app.origins.apiOrigin);
    await app.open();
    await app.signIn('alice');
    await app.add('Water the plants');
    const before = await swSession(app.page);

    const loads = appDocumentLoads(app.page, app.origins.appOrigin);
    const traffic = recordApiTraffic(app.page, app.origins.apiOrigin);
    await shiftReload(app.page);
    // The emulation must be faithful: the reloaded document started without a controller.
    const startedControlled = await app.page.evaluate(() => window.lifecycleControlledAtStart);
    assert.equal(startedControlled, false, 'the hard reload bypassed the service worker');

    await waitControlled(app.page);
    await app.signOutButton.waitFor();
    await app.checkbox('Water the plants').waitFor();
    assert.deepEqual(await app.titles(), ['Water the plants']);
    assert.equal(await app.text(STARTING).count(), 0);

    // The reload itself plus at most one guarded reload; never a loop.
    assert.ok(loads.length >= 1 && loads.length <= 2, `document loads after Shift+Reload: ${loads.join(' ')}`);
    for (const u of loads) assertNoAuthError(u);
    assertNoAuthError(app.page.url());
    const calls = await pageApiCalls(app.page);
    assert.ok(calls.length > 0, 'the list was fetched by the reloaded page');
    assert.ok(traffic.length > 0, "the list request was seen on the page's network");
    assertNoUncontrolledApiCall(calls, traffic);

    // The same SW kept the session: no sign-in round trip was needed.
    const after = await swSession(app.page);
    assert.equal(after.status, 'signed-in');
    assert.equal(after.swInstanceId, before.swInstanceId);

    // A second Shift+Reload right after the first (inside the reload guard's window) still ends well.
    const loads2 = appDocumentLoads(app.page, app.origins.appOrigin);
    await shiftReload(app.page);
    await waitControlled(app.page);
    await app.checkbox('Water the plants').waitFor();
    await app.signOutButton.waitFor();
    assert.ok(loads2.length >= 1 && loads2.length <= 2, `document loads after the second Shift+Reload: ${loads2.join(' ')}`);
    assertNoUncontrolledApiCall(await pageApiCalls(app.page), traffic);
  });
});

describe('issue 4 item 2: service workers unavailable', () => {
  const fx = useUiStack();

  /** What the user must see, whichever way service workers are off. */
  async function assertExplainsUnavailable(app: TodoPage, traffic: readonly unknown[]): Promise<string> {
    const main = app.page.getByRole('main');
    const explanations = Object.values(UNAVAILABLE_TEXT).map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    await main.getByText(new RegExp(explanations.join('|'))).waitFor();
    const shown = await main.innerText();
    assert.equal(await app.text(STARTING).count(), 0, `no "Starting…" left: ${shown}`);
    assert.equal(await app.signInLink.count(), 0, 'no Sign in that could not work');
    assert.equal(await app.page.evaluate(() => ('serviceWorker' in navigator ? navigator.serviceWorker.controller : null)), null);
    assert.deepEqual(await pageApiCalls(app.page), []);
    assert.deepEqual(traffic, []);
    return shown;
  }

  test('Playwright\'s serviceWorkers: "block": an explanation instead of "Starting…", no Sign in, no API call', async () => {
    // Playwright blocks by replacing register() with one that resolves to nothing (no real
    // browser does that), so only the outcome every reason shares is asserted here; the next
    // test blocks service workers the way a browser's settings do and checks the exact sentence.
    const app = await fx.open({ serviceWorkers: 'block' });
    await recordPageSide(app.page.context(), app.origins.apiOrigin);
    const traffic = recordApiTraffic(app.page, app.origins.apiOrigin);
    await app.open();
    await assertExplainsUnavailable(app, traffic);
  });

  test('cookies blocked in the browser\'s settings (as in private windows, or by policy): the "blocked" sentence', async (t) => {
    // Chromium refuses service workers for a site whose cookies are blocked: register() rejects
    // with a SecurityError. The setting lives in the profile, so this test has its own.
    const dir = mkdtempSync(join(tmpdir(), 'e2e-sw-blocked-'));
    mkdirSync(join(dir, 'Default'));
    writeFileSync(join(dir, 'Default', 'Preferences'), JSON.stringify({ profile: { default_content_setting_values: { cookies: 2 } } }));
    const ctx = await chromium.launchPersistentContext(dir, { executablePath: requireChrome(), args: CHROME_ARGS });
    t.after(async () => {
      await ctx.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    });
    await recordPageSide(ctx, fx.stack.origins.apiOrigin);
    const app = new TodoPage(ctx.pages()[0] ?? (await ctx.newPage()), fx.stack.origins);
    const traffic = recordApiTraffic(app.page, app.origins.apiOrigin);
    await app.open();
    const shown = await assertExplainsUnavailable(app, traffic);
    // The sentence as the user must read it, written out (not taken from the app's table).
    const blocked =
      'Your browser settings turn off a feature this app needs to keep your sign-in safe (service workers). This often happens in private windows or under a company policy: try a normal window or another browser.';
    assert.ok(shown.includes(blocked), `the "blocked" explanation is shown; the page says: ${shown}`);
  });
});

describe('issue 4 item 2: new version available', () => {
  const fx = useUiStack();

  test('a changed /sw.js shows "Reload to update"; after it the user is still signed in, the todo listed, a new SW active', async (t) => {
    const proxy = await startSwScriptProxy(fx.stack.origins.appOrigin);
    t.after(() => proxy.close());
    const app = await fx.open({ proxy: { server: proxy.server } });
    const nav = appDocumentLoads(app.page, app.origins.appOrigin);
    await app.open();
    await app.signIn('bob');
    await app.add('Call the plumber');
    const before = await swSession(app.page);
    assert.equal(before.status, 'signed-in');
    assert.ok(proxy.swScriptFetches >= 1, 'the browser fetches /sw.js through the proxy');

    // A new deployment: same URL, different bytes (a harmless trailing comment).
    proxy.deployNewVersion('e2e: new version');
    const found = await app.page.evaluate(async () => {
      const reg = await navigator.serviceWorker.getRegistration('/');
      if (!reg) return 'no registration';
      await reg.update();
      return reg.installing || reg.waiting ? 'new worker' : 'no new worker';
    });
    assert.equal(found, 'new worker', `registration.update() found the changed script (/sw.js fetched ${proxy.swScriptFetches} time(s))`);

    const reload = app.page.getByRole('button', { name: 'Reload to update', exact: true });
    await reload.waitFor();
    const loadsBefore = nav.length;
    await Promise.all([app.page.waitForEvent('load'), reload.click()]);

    await waitControlled(app.page);
    await app.signOutButton.waitFor();
    await app.checkbox('Call the plumber').waitFor();
    assert.deepEqual(await app.titles(), ['Call the plumber']);
    await reload.waitFor({ state: 'detached' });
    const after = await swSession(app.page);
    assert.equal(after.status, 'signed-in');
    assert.equal(after.user.sub, before.user.sub);
    assert.notEqual(after.swInstanceId, before.swInstanceId, 'a new SW instance is active');
    const regState = await app.page.evaluate(async () => {
      const reg = await navigator.serviceWorker.getRegistration('/');
      return { waiting: reg?.waiting != null, installing: reg?.installing != null, controlled: navigator.serviceWorker.controller === reg?.active };
    });
    assert.deepEqual(regState, { waiting: false, installing: false, controlled: true });

    for (const u of nav.slice(loadsBefore)) assertNoAuthError(u);
    assertNoAuthError(app.page.url());
    assert.equal(new URL(app.page.url()).pathname, '/');
  });
});
