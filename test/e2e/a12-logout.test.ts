import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeAll, openApp, signIn, swRequest, swSession, waitForApp, waitForSession } from './harness/browser.ts';
import { eventually, useStack } from './harness/fixture.ts';
import { refresh } from '../stack/flow.ts';
import { startRecordingServer, type RecordingServer } from './harness/recorder.ts';

describe('A12: sign-out revokes, clears every tab, ends the IdP session', () => {
  let elsewhere: RecordingServer;
  before(async () => {
    elsewhere = await startRecordingServer('localhost');
  });
  after(() => closeAll(elsewhere));
  const f = useStack();

  test('A12: sign-out in one tab: the other tab shows signed-out without a reload, and the refresh token is dead', async () => {
    const { ctx, page: tab1 } = await f.page();
    const o = f.stack.origins;
    await signIn(tab1, o, 'alice');
    const tab2 = await ctx.newPage();
    await openApp(tab2, o);
    await waitForSession(tab2, 'signed-in');
    await tab2.getByRole('button', { name: 'Sign out' }).waitFor({ timeout: 30_000 });
    await tab2.evaluate(() => Object.defineProperty(window, '__e2eSameDocument', { value: true }));
    const issued = f.proxy.tokenExchanges.map((x) => x.original?.['refresh_token']).filter((t): t is string => typeof t === 'string');
    const lastRt = issued.at(-1);
    assert.ok(lastRt, 'captured the refresh token');
    const requestsBefore = f.proxy.requests.length;

    const ticket = await swRequest(tab1, 'logout-ticket');
    assert.ok(ticket.ok, JSON.stringify(ticket));
    await tab1.goto(`${o.appOrigin}/logout?ticket=${encodeURIComponent(ticket.result.ticket)}`);
    await waitForApp(tab1, o);
    await waitForSession(tab1, 'signed-out');

    await tab2
      .getByRole('link', { name: 'Sign in' })
      .or(tab2.getByRole('button', { name: 'Sign in' }))
      .first()
      .waitFor({ timeout: 30_000 });
    assert.equal(await tab2.evaluate(() => (window as unknown as { __e2eSameDocument?: boolean }).__e2eSameDocument), true, 'tab 2 was not reloaded');
    assert.equal((await swSession(tab2)).status, 'signed-out');

    const after = f.proxy.requests.slice(requestsBefore);
    assert.ok(
      after.some((r) => r.method === 'POST' && /revoc/.test(r.url.pathname)),
      'the refresh token was revoked (RFC 7009)',
    );
    const end = after.find((r) => r.url.origin === o.issuer && /session\/end|logout/.test(r.url.pathname) && r.url.searchParams.size > 0);
    assert.ok(end, 'went to the end-session endpoint');
    assert.ok(end.url.searchParams.get('id_token_hint'), 'id_token_hint');
    assert.equal(end.url.searchParams.get('post_logout_redirect_uri'), `${o.appOrigin}/`);
    assert.ok(end.url.searchParams.get('state'), 'state');

    for (const rt of new Set(issued)) {
      const res = await refresh(o.issuer, rt, o.appOrigin);
      const body = (await res.json()) as { error?: string };
      assert.equal(body.error, 'invalid_grant', 'refresh token dead after sign-out');
    }
  });

  test('A12: /logout navigated from another origin gets a confirmation page and the user stays signed in', async () => {
    const { ctx, page } = await f.page();
    const o = f.stack.origins;
    await signIn(page, o, 'alice');
    const requestsBefore = f.proxy.requests.length;
    const attacker = await ctx.newPage();
    await attacker.goto(`${elsewhere.origin}/attacker`);
    for (const path of ['/logout', '/logout?ticket=forged-ticket-value']) {
      await attacker.evaluate((u) => {
        location.href = u;
      }, `${o.appOrigin}${path}`);
      await attacker.waitForURL((u) => u.origin === o.appOrigin && u.pathname === '/logout');
      await attacker.getByRole('heading', { name: /sign out/i }).waitFor({ timeout: 30_000 });
      await attacker.goto(`${elsewhere.origin}/attacker`);
    }
    assert.equal((await swSession(page)).status, 'signed-in');
    const after = f.proxy.requests.slice(requestsBefore);
    assert.ok(
      !after.some((r) => r.url.origin === o.issuer && (/revoc/.test(r.url.pathname) || /session\/end/.test(r.url.pathname))),
      'no revocation, no end-session',
    );
    await eventually(async () => ((await swSession(page)).status === 'signed-in' ? true : undefined), 'still signed in');
  });
});
