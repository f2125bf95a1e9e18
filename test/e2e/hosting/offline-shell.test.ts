/**
 * Issue 10 item 4: the offline app shell, on nginx with the generated headers. The shell comes
 * from Cache Storage only after its SHA-256 matches the manifest in sw.js, with headers the SW
 * makes; offline and without a config the SW serves the strictest policy, and the page reloads
 * itself once the network is back. The network is cut for real: nginx is stopped and the profile
 * is offline.
 */
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { runtimeConfig } from '../../stack/app-plugin.ts';
import { documentCsp, OFFLINE_SHELL_TIMING, responseHeaders } from '../../../sw/security-headers.ts';
import { CACHE_PREFIX } from '../../../sw/precache.ts';
import { stopServiceWorkers } from '../harness/browser.ts';
import { eventually, useStack } from '../harness/fixture.ts';
import { signedIn, type SignedIn } from './signed-in.ts';

declare global {
  interface Window {
    plantedRan?: boolean;
  }
}

const PLANTED_HTML = '<!doctype html><title>planted</title><script>window.plantedRan = true</script><p>planted</p>';

/** Page script overwrites `path` in every shell cache, as injected script could. */
function tamper(page: Page, path: string, body: string, headers: Record<string, string>): Promise<number> {
  return page.evaluate(
    async ([p, b, h, prefix]) => {
      let n = 0;
      for (const name of await caches.keys()) {
        if (!name.startsWith(prefix)) continue;
        await (await caches.open(name)).put(p, new Response(b, { headers: h }));
        n++;
      }
      return n;
    },
    [path, body, headers, CACHE_PREFIX] as const,
  );
}

function cachedText(page: Page, path: string): Promise<string | null> {
  return page.evaluate(
    async ([p, prefix]) => {
      const name = (await caches.keys()).find((n) => n.startsWith(prefix));
      const res = name ? await (await caches.open(name)).match(p) : undefined;
      return res ? res.text() : null;
    },
    [path, CACHE_PREFIX] as const,
  );
}

describe('issue 10 item 4: the offline app shell', () => {
  const f = useStack({ host: 'nginx' });

  async function cut(ctx: BrowserContext): Promise<void> {
    await ctx.setOffline(true);
    await f.stack.nginx!.stop();
  }
  async function restore(ctx: BrowserContext): Promise<void> {
    await f.stack.nginx!.start();
    await ctx.setOffline(false);
  }

  async function signedInApp(): Promise<SignedIn> {
    const s = await signedIn(f);
    // The shell is precached at install: by now every entry is in the cache.
    await eventually(async () => ((await cachedText(s.page, '/index.html')) !== null ? true : undefined), 'the precached index.html');
    return s;
  }

  test('issue 10 item 4: a repeat visit with the network cut renders the shell and its offline state, and the app recovers by itself when the network is back', async () => {
    const { ctx, app, watch } = await signedInApp();
    const { page } = app;
    await app.add('Water the plants');
    // A restarted SW has no config in memory: the strictest case.
    await stopServiceWorkers(page);
    await cut(ctx);
    const loads: string[] = [];
    page.on('load', () => loads.push(page.url()));
    let offline;
    try {
      offline = await page.reload();
      assert.equal(offline?.status(), 200);
      assert.equal(offline.headers()['content-security-policy'], documentCsp(undefined), 'no external origin without a config');
      assert.equal(offline.headers()['server-timing'], OFFLINE_SHELL_TIMING);
      await app.page.getByRole('heading', { name: 'Todos', exact: true }).waitFor();
      await app.status.getByText('You are offline.', { exact: false }).waitFor();
    } finally {
      await restore(ctx);
    }
    // No reload by the test: the page reloads itself once /config.json answers.
    await app.checkbox('Water the plants').waitFor({ timeout: 60_000 });
    assert.ok(loads.length >= 2, `the page reloaded itself (${loads.length} loads)`);
    await app.add('Back online');
    assert.deepEqual([...watch.violations, ...watch.consoleMessages], [], watch.describe());
  });

  test('issue 10 item 4: a tampered Cache Storage entry is never served: the network copy replaces it, and offline it fails closed', async () => {
    const { ctx, app } = await signedInApp();
    const { page } = app;
    const genuine = await (await fetch(`${f.stack.origins.appOrigin}/index.html`)).text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(genuine)![1]!;
    assert.ok((await tamper(page, '/index.html', PLANTED_HTML, { 'Content-Type': 'text/html' })) >= 1);
    await tamper(page, script, 'window.plantedRan = true;', { 'Content-Type': 'text/javascript' });

    await page.reload();
    await app.signOutButton.waitFor();
    assert.equal(await page.title(), 'Todos');
    assert.equal(await page.evaluate(() => window.plantedRan ?? false), false, 'no planted script ran');
    await eventually(
      async () => ((await cachedText(page, '/index.html')) === genuine ? true : undefined),
      'the genuine index.html back in the cache',
    );

    await tamper(page, '/index.html', PLANTED_HTML, { 'Content-Type': 'text/html' });
    await cut(ctx);
    try {
      const res = await page.reload();
      assert.equal(res?.status(), 503, 'offline, a tampered shell is not served');
      await page.getByRole('heading', { name: 'Todos cannot load while offline' }).waitFor();
      assert.equal(await page.evaluate(() => window.plantedRan ?? false), false);
    } finally {
      await restore(ctx);
    }
  });

  test('issue 10 item 4: headers stored in Cache Storage are ignored; the SW makes them from the policy and the config', async () => {
    const { app } = await signedInApp();
    const genuine = await (await fetch(`${f.stack.origins.appOrigin}/index.html`)).text();
    await tamper(app.page, '/index.html', genuine, {
      'Content-Type': 'text/html',
      'Content-Security-Policy': 'default-src *',
      'Cross-Origin-Opener-Policy': 'unsafe-none',
    });
    const res = await app.page.reload();
    assert.equal(await res?.text(), genuine, 'the (matching) body is served');
    const headers = res!.headers();
    for (const [name, value] of Object.entries(responseHeaders('document', runtimeConfig(f.stack.origins)))) {
      assert.equal(headers[name.toLowerCase()], value, name);
    }
    assert.equal(headers['server-timing'], undefined, 'with a config, no offline marker');
  });

  // Last: it deploys a new sw.js into this file's nginx root.
  test('issue 10 item 4: a new version deletes old shell caches on activate and keeps its own', async () => {
    const { app } = await signedInApp();
    const { page } = app;
    const current = await page.evaluate(async (prefix) => (await caches.keys()).filter((n) => n.startsWith(prefix)), CACHE_PREFIX);
    assert.equal(current.length, 1, JSON.stringify(current));
    await page.evaluate(async (name) => {
      await (await caches.open(name)).put('/app.css', new Response('old'));
    }, `${CACHE_PREFIX}from-an-old-version`);
    const swFile = join(f.stack.nginx!.deployment.dist, 'sw.js');
    appendFileSync(swFile, '\n// e2e: a new version\n');
    const found = await page.evaluate(async () => {
      const reg = await navigator.serviceWorker.getRegistration('/');
      await reg?.update();
      return Boolean(reg?.installing ?? reg?.waiting);
    });
    assert.ok(found, 'the browser found the new sw.js');
    const reload = page.getByRole('button', { name: 'Reload to update', exact: true });
    await reload.waitFor();
    await Promise.all([page.waitForEvent('load'), reload.click()]);
    await app.signOutButton.waitFor();
    const after = await eventually(async () => {
      const names = await page.evaluate(async (prefix) => (await caches.keys()).filter((n) => n.startsWith(prefix)), CACHE_PREFIX);
      return names.length === 1 ? names : undefined;
    }, 'only the current shell cache left');
    assert.deepEqual(after, current, 'same shell, same cache; the old one is gone');
  });
});
