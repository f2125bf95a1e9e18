import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fillIdpLogin, openApp, signIn, swSession, waitForApp } from './harness/browser.ts';
import { attackerCode } from './harness/attacker.ts';
import { eventually, lastAuthError, useStack } from './harness/fixture.ts';
import { pendingEntries, writeEntry } from './harness/pending-entries.ts';

describe('A2: one-time state, exact redirect URI, query response mode only', () => {
  const f = useStack();

  test('A2: a forged state makes no token request and ends on state_mismatch', async () => {
    const { page, nav } = await f.page();
    const o = f.stack.origins;
    await openApp(page, o);
    const before = f.proxy.tokenRequestCount();
    await page.goto(`${o.appOrigin}/callback?code=forged-code-0123456789&state=forged-state-0123456789&iss=${encodeURIComponent(o.issuer)}`);
    await waitForApp(page, o);
    assert.equal(lastAuthError(nav), 'state_mismatch');
    assert.equal(f.proxy.tokenRequestCount(), before, 'no token request');
    assert.equal((await swSession(page)).status, 'signed-out');
  });

  test('A2: a replayed state (the real callback URL loaded again) makes no token request', async () => {
    const { page, nav } = await f.page();
    const o = f.stack.origins;
    await signIn(page, o, 'alice');
    const callback = nav.find((u) => new URL(u).pathname === '/callback');
    assert.ok(callback && new URL(callback).searchParams.get('state'), 'saw the real callback');
    const before = f.proxy.tokenRequestCount();
    await page.goto(callback);
    await waitForApp(page, o);
    assert.equal(lastAuthError(nav), 'state_mismatch');
    assert.equal(f.proxy.tokenRequestCount(), before, 'no token request');
  });

  test('A2: /login?returnTo=<another origin> ends on the app origin', async () => {
    const { page } = await f.page();
    const o = f.stack.origins;
    await openApp(page, o);
    await page.goto(`${o.appOrigin}/login?returnTo=${encodeURIComponent('https://evil.example/steal')}`);
    await fillIdpLogin(page, o, 'alice');
    await waitForApp(page, o);
    assert.equal(new URL(page.url()).origin, o.appOrigin);
    // With the IdP session in place, the IdP answers at once: try the other spellings.
    for (const evil of ['//evil.example/x', '/\\evil.example/x', 'https:evil.example', 'javascript:alert(1)', '/%2F%2Fevil.example']) {
      await page.goto(`${o.appOrigin}/login?returnTo=${encodeURIComponent(evil)}`);
      await waitForApp(page, o);
      assert.equal(new URL(page.url()).origin, o.appOrigin, `returnTo ${evil}`);
    }
    assert.equal((await swSession(page)).status, 'signed-in');
  });

  test('A2: a fragment-mode response, and a POSTed one, are refused without a token request', async () => {
    const { page, nav } = await f.page();
    const o = f.stack.origins;
    await openApp(page, o);
    await page.goto(`${o.appOrigin}/login?returnTo=/`);
    await page.waitForURL((u) => u.origin === o.issuer);
    // The state the SW really issued, so only the response mode is wrong.
    const auth = f.proxy.requests.filter((r) => r.url.pathname === '/auth' && r.url.searchParams.has('state')).at(-1)!;
    const state = auth.url.searchParams.get('state')!;
    const before = f.proxy.tokenRequestCount();
    const params = new URLSearchParams({ code: 'fragment-code-0123456789', state, iss: o.issuer });
    await page.goto(`${o.appOrigin}/callback#${params}`);
    await waitForApp(page, o);
    assert.equal(lastAuthError(nav), 'bad_callback');

    await page.evaluate(
      ([action, fields]) => {
        const form = document.createElement('form');
        form.method = 'post';
        form.action = action;
        for (const [k, v] of Object.entries(fields)) {
          const i = document.createElement('input');
          i.type = 'hidden';
          i.name = k;
          i.value = v;
          form.append(i);
        }
        document.body.append(form);
        form.submit();
      },
      [`${o.appOrigin}/callback`, Object.fromEntries(params)] as const,
    );
    await eventually(() => (nav.filter((u) => u.includes('auth_error=')).length >= 2 ? true : undefined), 'second refusal');
    await waitForApp(page, o);
    assert.equal(lastAuthError(nav), 'bad_callback');
    assert.equal(f.proxy.tokenRequestCount(), before, 'no token request');
  });

  test('A2: a returnTo poisoned in IndexedDB while the user is at the IdP cannot redirect off the origin', async () => {
    const { ctx, page } = await f.page();
    const o = f.stack.origins;
    await openApp(page, o);
    await page.goto(`${o.appOrigin}/login?returnTo=/`);
    await page.waitForURL((u) => u.origin === o.issuer);
    const attacker = await ctx.newPage();
    await openApp(attacker, o);
    const [entry] = await pendingEntries(attacker);
    assert.ok(entry, 'the SW keeps the pending sign-in in IndexedDB');
    await writeEntry(attacker, entry, entry.key, {
      ...entry.value,
      data: { ...(entry.value['data'] as object), returnTo: 'https://evil.example/phish' },
    });
    await fillIdpLogin(page, o, 'alice');
    await waitForApp(page, o);
    assert.equal(new URL(page.url()).origin, o.appOrigin);
    assert.equal((await pendingEntries(attacker)).length, 0, 'entry taken and deleted');
  });

  describe('A2: pending state planted in IndexedDB by page script (login CSRF) is re-checked', () => {
    const cases: [string, (e: Record<string, unknown>) => Record<string, unknown>][] = [
      ['another redirect URI', (e) => ({ ...e, redirect_uri: 'https://evil.example/callback' })],
      ['another client', (e) => ({ ...e, client_id: 'evil-client' })],
      ['another issuer', (e) => ({ ...e, authority: 'https://evil.example' })],
      ['older than 10 minutes', (e) => ({ ...e, created: Math.floor(Date.now() / 1000) - 11 * 60 })],
    ];
    for (const [label, mutate] of cases) {
      test(`A2: planted entry with ${label}: no token request, signed out`, async () => {
        const { page, nav } = await f.page();
        const o = f.stack.origins;
        await openApp(page, o);
        const atk = await attackerCode(o);
        // The SW's database exists once /login ran; make sure it does, then plant.
        await page.goto(`${o.appOrigin}/login?returnTo=/`);
        await page.waitForURL((u) => u.origin === o.issuer);
        await openApp(page, o);
        const [real] = await pendingEntries(page);
        assert.ok(real, 'the SW keeps pending sign-ins in IndexedDB');
        // The attacker's own state, nonce and verifier, every other field as the SW writes it.
        const planted = mutate({
          ...real.value,
          id: atk.req.state,
          nonce: atk.req.nonce,
          code_verifier: atk.req.pkce.verifier,
          created: Math.floor(Date.now() / 1000),
        });
        await writeEntry(page, real, atk.req.state, planted);
        const before = f.proxy.tokenRequestCount();
        await page.goto(atk.callbackUrl.href);
        await waitForApp(page, o);
        assert.equal(lastAuthError(nav), 'state_mismatch');
        assert.equal(f.proxy.tokenRequestCount(), before, 'no token request');
        assert.equal((await swSession(page)).status, 'signed-out');
      });
    }
  });
});
