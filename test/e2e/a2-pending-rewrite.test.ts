/**
 * Issue 7: oidc-client-ts reads a pending sign-in back whole and builds the token request from it
 * (only `authority` and `client_id` are compared; `extraTokenParams` is spread in last). A SW
 * stopped while the user is at the IdP has only IndexedDB's copy, which page script can rewrite.
 * Each rewrite below, then a SW stop, then the IdP's real callback: no token request leaves the
 * SW, the user sees the state error, nothing is signed in. The control case proves the same
 * steps without a rewrite do sign in (so the refusals are the checks, not the SW stop).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fillIdpLogin, openApp, stopServiceWorkers, swSession, waitForApp, waitForSession } from './harness/browser.ts';
import { lastAuthError, useStack } from './harness/fixture.ts';
import { pendingEntries, writeEntry } from './harness/pending-entries.ts';

type Rewrite = (e: Record<string, unknown>) => Record<string, unknown>;

describe('A2: a pending sign-in rewritten by page script while the SW is stopped', () => {
  const f = useStack();

  async function attempt(rewrite: Rewrite) {
    const { page, nav } = await f.page();
    const o = f.stack.origins;
    await openApp(page, o);
    await page.goto(`${o.appOrigin}/login?returnTo=/`);
    await page.waitForURL((u) => u.origin === o.issuer);
    // A second tab of the app is where page script runs meanwhile.
    const script = await page.context().newPage();
    await openApp(script, o);
    const [entry] = await pendingEntries(script);
    assert.ok(entry, 'the SW keeps the pending sign-in in IndexedDB');
    await writeEntry(script, entry, entry.key, rewrite(entry.value));
    await script.close();
    await stopServiceWorkers(page);
    const before = f.proxy.tokenRequestCount();
    await fillIdpLogin(page, o, 'alice');
    await waitForApp(page, o);
    return { page, nav, tokenRequests: f.proxy.tokenRequestCount() - before };
  }

  const rewrites: [string, Rewrite][] = [
    ['another client_id', (e) => ({ ...e, client_id: 'evil-client' })],
    ['another redirect_uri', (e) => ({ ...e, redirect_uri: 'https://evil.example/callback' })],
    ['its own PKCE verifier', (e) => ({ ...e, code_verifier: 'x'.repeat(64) })],
    ['an added extraTokenParams', (e) => ({ ...e, extraTokenParams: { redirect_uri: 'https://evil.example/callback', client_id: 'evil-client' } })],
  ];
  for (const [label, rewrite] of rewrites) {
    test(`A2: ${label}, then a SW stop and the real callback: no token request, state error, signed out`, async () => {
      const { page, nav, tokenRequests } = await attempt(rewrite);
      assert.equal(tokenRequests, 0, 'no token request left the SW');
      assert.equal(lastAuthError(nav), 'state_mismatch');
      assert.equal((await swSession(page)).status, 'signed-out');
      await page.getByText('That sign-in attempt had expired or was already used').waitFor();
    });
  }

  test('A2: control: the same steps without a rewrite sign in through the restarted SW', async () => {
    const { page, nav, tokenRequests } = await attempt((e) => e);
    assert.equal(tokenRequests, 1);
    assert.equal(lastAuthError(nav), null);
    await waitForSession(page, 'signed-in');
  });
});
