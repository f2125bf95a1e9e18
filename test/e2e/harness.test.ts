/**
 * Self-test of the e2e harness: the proxy captures a real code flow's secrets, can hold and
 * alter the token endpoint, and delays chosen requests; the recording server records Authorization; the leak scanner finds a
 * seeded secret in each place a page script can read, and stays quiet on a clean page.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { authorizeRequest } from '../stack/flow.ts';
import { closeAll, fillIdpLogin, launchBrowser, newContext } from './harness/browser.ts';
import { eventually, sleep } from './harness/fixture.ts';
import { forgeKit } from './harness/id-token-forge.ts';
import { assertNoSecretsInPage } from './harness/leak-scan.ts';
import type { ProxiedRequest } from './harness/proxy.ts';
import { viaProxy } from './harness/proxied-http.ts';
import { startRecordingServer, type RecordingServer } from './harness/recorder.ts';
import { startStack, type Stack } from './harness/stack.ts';

describe('harness', () => {
  let stack: Stack;
  let browser: Browser;
  let recorder: RecordingServer;

  before(async () => {
    stack = await startStack({ proxy: true, app: false });
    browser = await launchBrowser({ proxy: stack.proxy!.server });
    recorder = await startRecordingServer('localhost');
  });
  after(async () => closeAll(browser, recorder, stack));

  test('proxy captures code, verifier and tokens of a real flow, and counts token requests', async () => {
    const proxy = stack.proxy!;
    const o = stack.origins;
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    const req = authorizeRequest(o.issuer, o.appOrigin);
    await page.goto(req.url.href);
    await fillIdpLogin(page, o, 'alice');
    // No app is served here: the redirect to /callback fails in the browser, after the proxy saw it.
    await eventually(() => (proxy.issuedCodes.length > 0 ? true : undefined), 'the code redirect');
    assert.equal(proxy.issuedCodes.length, 1);
    const code = proxy.issuedCodes[0]!;
    const before = proxy.tokenRequestCount();
    const res = await viaProxy(proxy, `${o.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: o.appOrigin },
      body: new URLSearchParams({
        client_id: 'todo-spa',
        grant_type: 'authorization_code',
        code,
        code_verifier: req.pkce.verifier,
        redirect_uri: `${o.appOrigin}/callback`,
      }).toString(),
    });
    assert.equal(res.status, 200, res.body);
    assert.equal(proxy.tokenRequestCount(), before + 1);
    const secrets = proxy.secrets();
    const tokens = JSON.parse(res.body) as Record<string, string>;
    for (const s of [code, req.pkce.verifier, tokens['access_token'], tokens['refresh_token'], tokens['id_token']]) {
      assert.ok(s && secrets.includes(s), 'captured');
    }
    await ctx.close();
  });

  test('proxy alters ID tokens and JWKS, and holds token requests', async () => {
    const proxy = stack.proxy!;
    const o = stack.origins;
    const kit = await forgeKit();
    proxy.setJwksTransform(kit.addKeyToJwks);
    const jwks = JSON.parse((await viaProxy(proxy, `${o.issuer}/jwks`)).body) as { keys: { kid?: string }[] };
    assert.ok(jwks.keys.some((k) => k.kid === 'e2e-forge-key'));
    assert.ok(jwks.keys.length >= 2);
    proxy.setJwksTransform(null);

    const release = proxy.holdTokenRequests();
    let done = false;
    const pending = viaProxy(proxy, `${o.issuer}/token`, { method: 'POST', body: 'grant_type=refresh_token&refresh_token=nope' }).then((r) => {
      done = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(done, false, 'held');
    release();
    const r = await pending;
    assert.ok(r.status >= 400);
  });

  test('proxy delays the requests it is told to, and still forwards one whose client went away', async () => {
    const proxy = stack.proxy!;
    const url = `${recorder.origin}/delayed`;
    const reached = () => recorder.requests.filter((r) => r.path === '/delayed').length;
    proxy.delayRequests((r: ProxiedRequest) => r.url.pathname === '/delayed', 600);
    try {
      const t = Date.now();
      const res = await viaProxy(proxy, url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"n":1}' });
      assert.equal(res.status, 200);
      assert.ok(Date.now() - t >= 600, 'held for the delay');
      // A client that gives up during the delay (a SW stopped mid-request): the server still gets it.
      const gone = request({ host: 'localhost', port: proxy.port, path: url, method: 'POST', headers: { host: new URL(url).host } });
      gone.on('error', () => undefined);
      gone.end('{"n":2}');
      await sleep(100);
      gone.destroy();
      assert.equal(reached(), 1, 'not forwarded before the delay is over');
      await eventually(() => (reached() === 2 ? true : undefined), 'the abandoned request forwarded');
    } finally {
      proxy.delayRequests(null);
    }
    const t = Date.now();
    await viaProxy(proxy, url);
    assert.ok(Date.now() - t < 600, 'no delay once cleared');
  });

  test('recording server records Authorization, and preflights that ask for it', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await page.goto(`${recorder.origin}/page`);
    await page.evaluate((u) => fetch(u, { headers: { Authorization: 'Bearer seeded' } }), `${recorder.origin}/x`);
    assert.ok(recorder.withAuthorization().some((r) => r.authorization === 'Bearer seeded'));
    await ctx.close();
  });

  describe('leak scanner', () => {
    const secret = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2VlZGVkLXNpZ25hdHVyZS1mb3ItdGhlLXNjYW5uZXI';
    const seeds: Record<string, (s: string) => Promise<void> | void> = {
      global: (s) => {
        (window as unknown as Record<string, unknown>)['someState'] = { deep: { token: s } };
      },
      localStorage: (s) => localStorage.setItem('k', s),
      sessionStorage: (s) => sessionStorage.setItem('k', encodeURIComponent(s)),
      cookie: (s) => {
        document.cookie = `t=${encodeURIComponent(s)}`;
      },
      indexedDB: (s) =>
        new Promise<void>((resolve) => {
          const r = indexedDB.open('seeded', 1);
          r.onupgradeneeded = () => r.result.createObjectStore('s');
          r.onsuccess = () => {
            const tx = r.result.transaction('s', 'readwrite');
            tx.objectStore('s').put({ v: new TextEncoder().encode(s) }, 'x');
            tx.oncomplete = () => {
              r.result.close();
              resolve();
            };
          };
        }),
      cacheStorage: async (s) => {
        const c = await caches.open('c');
        await c.put('/cached', new Response(btoa(s)));
      },
      shadowDom: (s) => {
        const host = document.createElement('div');
        document.body.append(host);
        host.attachShadow({ mode: 'open' }).innerHTML = `<span data-x="${s}"></span>`;
      },
      inputValue: (s) => {
        const i = document.createElement('input');
        document.body.append(i);
        i.value = s;
      },
      url: (s) => history.replaceState(null, '', `?code=${encodeURIComponent(s)}`),
      swMessage: (s) => {
        (globalThis as unknown as { __e2eMessages: string[] }).__e2eMessages.push(JSON.stringify({ t: s }));
      },
    };
    for (const [where, seed] of Object.entries(seeds)) {
      test(`finds a secret seeded in ${where}`, async () => {
        const ctx = await newContext(browser);
        const page: Page = await ctx.newPage();
        await page.goto(`${recorder.origin}/page`);
        await page.evaluate(seed, secret);
        await assert.rejects(assertNoSecretsInPage(page, [secret], where), /secrets readable by page script/);
        await ctx.close();
      });
    }
    test('passes a clean page and refuses to scan for nothing', async () => {
      const ctx = await newContext(browser);
      const page = await ctx.newPage();
      await page.goto(`${recorder.origin}/page`);
      await assertNoSecretsInPage(page, [secret], 'clean');
      await assert.rejects(assertNoSecretsInPage(page, [], 'empty'), /no secrets captured/);
      await assert.rejects(assertNoSecretsInPage(page, [''], 'empty'), /too short/);
      await ctx.close();
    });
  });
});
