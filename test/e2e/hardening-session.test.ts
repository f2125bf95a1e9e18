/**
 * Issue 8, findings 1, 2, 4 and 7, black-box against the real IdP and API: each failed on the
 * code before the fix (see the commit message).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { closeAll, openApp, pageFetch, signIn, stopServiceWorkers, swRequest, swSession, waitForApp, waitForSession } from './harness/browser.ts';
import { eventually, pagePerTest, sleep, useStack } from './harness/fixture.ts';
import { startRecordingServer, type RecordingServer } from './harness/recorder.ts';

describe('Issue 8: a session is what its generation says', () => {
  let elsewhere: RecordingServer;
  before(async () => {
    elsewhere = await startRecordingServer('localhost');
  });
  after(() => closeAll(elsewhere));
  // 20 s access tokens: a refresh is due after 10 s.
  const f = useStack({ accessTokenTtl: 20 });
  const freshPage = pagePerTest(f, () => {
    f.proxy.setTokenResponseTransform(null);
    f.proxy.setLocationTransform(null);
  });
  const todos = (p: Page) => pageFetch(p, `${f.stack.origins.apiOrigin}/todos`);

  test('finding 1: a refresh answered by the IdP but held on its way back while the user signs out revives no tab', async () => {
    const { ctx, page } = await freshPage();
    const o = f.stack.origins;
    await signIn(page, o, 'alice');
    const other = await ctx.newPage();
    await openApp(other, o);
    // The IdP rotates the refresh token at once; its answer reaches the SW only after sign-out.
    let release!: () => void;
    const signedOut = new Promise<void>((r) => (release = r));
    let held = false;
    let delivered = false;
    await ctx.route(`${o.issuer}/token`, async (route) => {
      if (!(route.request().postData() ?? '').includes('grant_type=refresh_token')) return route.continue();
      const answer = await route.fetch();
      held = true;
      await signedOut;
      await route.fulfill({ response: answer });
      delivered = true;
    });
    try {
      await eventually(() => (held ? true : undefined), 'a refresh answered and held', 30_000);
      const ticket = await swRequest(page, 'logout-ticket');
      assert.ok(ticket.ok);
      await page.goto(`${o.appOrigin}/logout?ticket=${encodeURIComponent(ticket.result.ticket)}`);
      await waitForApp(page, o);
    } finally {
      release();
    }
    await eventually(() => (delivered ? true : undefined), 'the late answer delivered');
    await sleep(1_000);
    assert.equal((await swSession(other)).status, 'signed-out');
    await other.getByRole('link', { name: 'Sign in' }).waitFor({ timeout: 10_000 });
    assert.notEqual((await todos(other)).status, 200, 'the API does not answer as alice');
    await ctx.unroute(`${o.issuer}/token`);
  });

  test('finding 2: another site navigating a tab to /login signs nobody out', async () => {
    const { ctx, page } = await freshPage();
    const o = f.stack.origins;
    await signIn(page, o, 'alice');
    const attacked = await ctx.newPage();
    await attacked.goto(`${elsewhere.origin}/attacker`);
    // The IdP round trip never completes (the user closes it, or it is blocked).
    await ctx.route(`${o.issuer}/auth**`, (r) => r.abort('connectionrefused'));
    await attacked.evaluate((u) => {
      location.href = u;
    }, `${o.appOrigin}/login?returnTo=/`);
    await attacked.waitForEvent('requestfailed', { predicate: (r) => r.url().startsWith(`${o.issuer}/auth`) });
    await ctx.unroute(`${o.issuer}/auth**`);
    assert.equal((await swSession(page)).status, 'signed-in');
    assert.equal((await todos(page)).status, 200, 'the other tab still works as alice');
  });

  test('finding 4: a 30-day expires_in makes no refresh storm', async () => {
    const { page } = await freshPage();
    const o = f.stack.origins;
    f.proxy.setTokenResponseTransform((body, form) => (form.get('grant_type') === 'authorization_code' ? { ...body, expires_in: 2_592_000 } : body));
    await signIn(page, o, 'alice');
    const session = await waitForSession(page, 'signed-in');
    assert.ok(session.accessTokenExpiresAt - Date.now() > 29 * 24 * 3600_000, 'the SW took the 30-day lifetime');
    const before = f.proxy.tokenExchanges.filter((x) => x.request.get('grant_type') === 'refresh_token').length;
    // The bug fired at once (hundreds of grants a second); ten quiet seconds show it is gone.
    await sleep(10_000);
    assert.equal(f.proxy.tokenExchanges.filter((x) => x.request.get('grant_type') === 'refresh_token').length, before);
  });

  test('finding 7: after the IdP answered interaction_required to prompt=none, SW stops do not send the user to the IdP again', async () => {
    const { page } = await freshPage();
    const o = f.stack.origins;
    await signIn(page, o, 'alice');
    // From now on every prompt=none authorization ends in interaction_required.
    f.proxy.setLocationTransform((loc) => {
      if (loc.origin !== o.appOrigin || loc.pathname !== '/callback' || !loc.searchParams.has('code')) return null;
      const out = new URL('/callback', o.appOrigin);
      out.searchParams.set('error', 'interaction_required');
      out.searchParams.set('state', loc.searchParams.get('state') ?? '');
      out.searchParams.set('iss', o.issuer);
      return out;
    });
    const authorizations = () => f.proxy.requests.filter((r) => r.url.origin === o.issuer && r.url.pathname === '/auth').length;
    await stopServiceWorkers(page);
    await openApp(page, o);
    await page.getByRole('link', { name: 'Continue as Alice Example' }).waitFor({ timeout: 60_000 });
    const afterFirst = authorizations();
    for (let i = 0; i < 2; i++) {
      await stopServiceWorkers(page);
      await openApp(page, o);
      await page.getByRole('link', { name: 'Continue as Alice Example' }).waitFor({ timeout: 30_000 });
      await sleep(1_500);
    }
    assert.equal(authorizations(), afterFirst, 'no more trips to the IdP until the user acts');
    assert.equal((await swSession(page)).status, 'signed-out');
  });
});
