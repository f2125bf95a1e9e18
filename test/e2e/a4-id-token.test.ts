import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { fillIdpLogin, openApp, swSession, waitForApp, waitForSession } from './harness/browser.ts';
import { lastAuthError, useStack } from './harness/fixture.ts';
import { forgeKit, type ForgeKit } from './harness/id-token-forge.ts';

describe('A4: the ID token is verified (signature via JWKS, iss, aud, exp, nonce, alg)', () => {
  const f = useStack();
  let kit: ForgeKit;
  before(async () => {
    kit = await forgeKit();
  });

  async function signInThrough(alter: (token: string) => Promise<string> | string, user: 'alice' | 'bob' = 'alice') {
    // Our key is in the JWKS the browser sees, so a re-signed token verifies: only the
    // altered claim can make it fail.
    f.proxy.setJwksTransform(kit.addKeyToJwks);
    f.proxy.setTokenResponseTransform(kit.idToken(alter));
    const { page, nav } = await f.page();
    const o = f.stack.origins;
    try {
      await openApp(page, o);
      const before = f.proxy.tokenExchanges.length;
      await page.goto(`${o.appOrigin}/login?returnTo=/`);
      await fillIdpLogin(page, o, user);
      await waitForApp(page, o);
      const exchange = f.proxy.tokenExchanges.slice(before).find((x) => x.request.get('grant_type') === 'authorization_code');
      assert.ok(exchange, 'the code was exchanged');
      assert.notEqual(exchange.response?.['id_token'], exchange.original?.['id_token'], 'the ID token was altered');
      return { page, nav };
    } finally {
      f.proxy.setTokenResponseTransform(null);
    }
  }

  test('A4: control: the same token re-signed with a JWKS key and nothing changed signs in', async () => {
    const { page, nav } = await signInThrough((t) => kit.resignUnchanged(t));
    assert.equal(lastAuthError(nav), null);
    await waitForSession(page, 'signed-in');
  });

  const cases: [string, () => (t: string) => Promise<string> | string][] = [
    ['a wrong aud', () => kit.resignWith((c) => ({ ...c, aud: 'another-client' }))],
    ['an old exp', () => kit.resignWith((c) => ({ ...c, exp: Math.floor(Date.now() / 1000) - 3600, iat: Math.floor(Date.now() / 1000) - 7200 }))],
    ['a wrong nonce', () => kit.resignWith((c) => ({ ...c, nonce: 'not-the-nonce-the-sw-sent' }))],
    ['another iss', () => kit.resignWith((c) => ({ ...c, iss: 'http://evil.example' }))],
    ['alg none', () => kit.algNone],
    ['a bad signature', () => kit.badSignature],
  ];
  for (const [label, make] of cases) {
    test(`A4: an ID token with ${label} fails the login with id_token_invalid`, async () => {
      const { page, nav } = await signInThrough(make());
      assert.equal(lastAuthError(nav), 'id_token_invalid');
      assert.equal((await swSession(page)).status, 'signed-out');
    });
  }
});
