/**
 * A11 (RFC 9449) end to end with `dpop: true`: the real IdP binds the tokens (C6), the real API
 * requires proofs (B7), the SW makes them with a key only it holds. The whole journey works;
 * every proof the API got is fresh (`jti`) and fits its call (`htm`, `htu`, `ath`); page script
 * finds no key in anything it can read and its own proofs are useless.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { openApp, pageFetch, signIn, stopServiceWorkers, swRequest, waitForApp, waitForSession } from './harness/browser.ts';
import { eventually, useStack } from './harness/fixture.ts';
import { withIdbRecords } from './harness/idb-records.ts';
import type { ProxiedRequest } from './harness/proxy.ts';

const header = (r: ProxiedRequest, name: string): string | undefined => {
  const v = r.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

describe('A11: DPoP-bound tokens, proofs made in the SW', () => {
  const f = useStack({ dpop: true, accessTokenTtl: 20 });

  test('A11: the journey works with dpop: true: sign in, list, add, refresh, SW stop, sign out', async () => {
    const { page } = await f.page();
    const o = f.stack.origins;
    await signIn(page, o, 'alice');
    const signInExchange = f.proxy.tokenExchanges.filter((x) => x.request.get('grant_type') === 'authorization_code' && x.status === 200).at(-1);
    assert.equal(signInExchange?.response?.['token_type'], 'DPoP', 'the IdP bound the tokens');
    const auth = f.proxy.requests.filter((r) => r.url.origin === o.issuer && r.url.pathname === '/auth').at(-1);
    assert.match(auth?.url.searchParams.get('dpop_jkt') ?? '', /^[A-Za-z0-9_-]{43}$/, 'dpop_jkt on the authorization request');
    assert.equal((await pageFetch(page, `${o.apiOrigin}/todos`)).status, 200);
    const created = await pageFetch(page, `${o.apiOrigin}/todos`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ title: 'bound' }),
    });
    assert.equal(created.status, 201, created.body);
    // A refresh with the same key (the bound refresh token needs it).
    const before = f.proxy.tokenExchanges.length;
    await eventually(
      async () => {
        await pageFetch(page, `${o.apiOrigin}/todos`);
        return f.proxy.tokenExchanges.slice(before).find((x) => x.request.get('grant_type') === 'refresh_token' && x.status === 200);
      },
      'a refresh',
      60_000,
    );
    assert.equal((await pageFetch(page, `${o.apiOrigin}/todos`)).status, 200);
    // A stopped SW lost its key: recovery binds new tokens to a new one.
    await stopServiceWorkers(page);
    assert.equal((await pageFetch(page, `${o.apiOrigin}/todos`)).status, 200);
    const ticket = await swRequest(page, 'logout-ticket');
    assert.ok(ticket.ok);
    await page.goto(`${o.appOrigin}/logout?ticket=${encodeURIComponent(ticket.result.ticket)}`);
    await waitForApp(page, o);
    await waitForSession(page, 'signed-out');
  });

  test('A11: every proof the API received is fresh and fits its request; the token goes as DPoP, never as Bearer', async () => {
    const { page } = await f.page();
    const o = f.stack.origins;
    const from = f.proxy.requests.length;
    await signIn(page, o, 'alice');
    for (let i = 0; i < 3; i++) assert.equal((await pageFetch(page, `${o.apiOrigin}/todos?page=${i}`)).status, 200);
    const calls = f.proxy.requests.slice(from).filter((r) => r.url.origin === o.apiOrigin && r.method !== 'OPTIONS' && header(r, 'authorization'));
    assert.ok(calls.length >= 3);
    const jtis = new Set<string>();
    for (const call of calls) {
      const [scheme, token] = (header(call, 'authorization') ?? '').split(' ');
      assert.equal(scheme, 'DPoP');
      const proof = header(call, 'dpop') ?? '';
      const h = decodeProtectedHeader(proof);
      assert.equal(h.typ, 'dpop+jwt');
      assert.equal(h.alg, 'ES256');
      assert.deepEqual(Object.keys(h.jwk ?? {}).sort(), ['crv', 'kty', 'x', 'y'], 'public members only');
      const c = decodeJwt(proof);
      assert.equal(c['htm'], call.method);
      assert.equal(c['htu'], `${call.url.origin}${call.url.pathname}`, 'htu without query');
      assert.equal(
        c['ath'],
        createHash('sha256')
          .update(token ?? '')
          .digest('base64url'),
      );
      assert.ok(typeof c.jti === 'string' && !jtis.has(c.jti), 'a unique jti');
      jtis.add(c.jti);
    }
  });

  test('A11: page script finds no CryptoKey in any storage it can read, and its own DPoP and Authorization headers are replaced', async () => {
    const { page } = await f.page();
    const o = f.stack.origins;
    await signIn(page, o, 'alice');
    const found = await withIdbRecords(page, (records) => {
      const hits: string[] = [];
      const visit = (v: unknown, where: string, depth = 0): void => {
        if (v instanceof CryptoKey) hits.push(where);
        else if (typeof v === 'object' && v !== null && depth < 5) for (const [k, x] of Object.entries(v)) visit(x, `${where}.${k}`, depth + 1);
      };
      for (const r of records) visit(r.value, `${r.db}/${r.store}/${JSON.stringify(r.key)}`);
      // Cache Storage holds only responses; a key could only sit in a global.
      for (const k of Object.getOwnPropertyNames(window)) {
        try {
          visit((window as unknown as Record<string, unknown>)[k], `window.${k}`, 3);
        } catch {
          // a getter that throws holds nothing for us
        }
      }
      return hits;
    });
    assert.deepEqual(found, []);
    // Page script's own proof and token: the SW replaces both with its own.
    const forged = await page.evaluate(async (url) => {
      const r = await fetch(url, { headers: { DPoP: 'eyJ0eXAiOiJkcG9wK2p3dCJ9.e30.x', Authorization: 'DPoP forged' } });
      return r.status;
    }, `${o.apiOrigin}/todos`);
    assert.equal(forged, 200, 'the SW overwrote both headers with its own');
    const last = f.proxy.requests.filter((r) => r.url.origin === o.apiOrigin && header(r, 'dpop')).at(-1)!;
    assert.notEqual(header(last, 'dpop'), 'eyJ0eXAiOiJkcG9wK2p3dCJ9.e30.x');
  });

  test('A11: a SW stopped while the user is at the IdP lost the key the code is bound to: the sign-in starts over by itself', async () => {
    const { page } = await f.page();
    const o = f.stack.origins;
    await openApp(page, o);
    await page.goto(`${o.appOrigin}/login?returnTo=/`);
    await page.waitForURL((u) => u.origin === o.issuer);
    await stopServiceWorkers(page);
    await page.locator('input[name="username"]').fill('alice');
    await page.locator('input[name="password"]').fill('alice-password');
    await page.locator('form button[type="submit"]').click();
    await waitForApp(page, o);
    await waitForSession(page, 'signed-in');
    const jkts = f.proxy.requests
      .filter((r) => r.url.origin === o.issuer && r.url.pathname === '/auth')
      .slice(-2)
      .map((r) => r.url.searchParams.get('dpop_jkt'));
    assert.notEqual(jkts[0], jkts[1], 'the second authorization request named a new key');
  });
});
