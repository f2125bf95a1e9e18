/**
 * Recovery after the SW loses its memory (STANDARDS residual risk "the browser stops an idle
 * SW"): stopped through CDP while idle, while the user is at the IdP, during a refresh held at
 * the token endpoint; after the IdP session ended; and with the app on another site than the IdP
 * (the silent iframe gets no IdP cookie, so the top-level fallback must run).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { fillIdpLogin, openApp, pageFetch, signIn, stopServiceWorkers, swSession, waitForApp, waitForSession } from './harness/browser.ts';
import { eventually, sleep, useStack } from './harness/fixture.ts';

/**
 * Top-level document loads from now on: a redirect chain loads one document, and same-document
 * URL changes (history.replaceState) load none.
 */
function committedNavigations(page: Page): string[] {
  const log: string[] = [];
  page.on('load', () => log.push(page.url()));
  return log;
}

/**
 * An API call from page script. A network error (the SW was stopped under it) or a navigation
 * that destroys the page reads as 0.
 */
function apiCall(page: Page, url: string): Promise<number> {
  return page
    .evaluate(
      (u) =>
        fetch(u).then(
          (r) => r.status,
          () => 0,
        ),
      url,
    )
    .catch(() => 0);
}

describe('Recovery: the session comes back without user action', () => {
  // 40 s access tokens: a refresh is due after ~10 s with the SW's 30 s margin.
  const f = useStack({ accessTokenTtl: 40 });

  test('Recovery: SW stopped while idle: the next API call works without user action', async () => {
    const { page } = await f.page();
    const o = f.stack.origins;
    await signIn(page, o, 'alice');
    const before = await swSession(page);
    const navs = committedNavigations(page);
    await stopServiceWorkers(page);
    const r = await pageFetch(page, `${o.apiOrigin}/todos`);
    assert.equal(r.status, 200, r.body);
    const after = await waitForSession(page, 'signed-in');
    assert.notEqual(after.swInstanceId, before.swInstanceId, 'a new SW instance');
    assert.equal(after.user.sub, 'alice');
    assert.deepEqual(navs, [], 'no top-level navigation');
  });

  test('Recovery: the page hosting the silent iframe reloads before it finished: the reloaded page finishes the recovery', async () => {
    const { page } = await f.page();
    const o = f.stack.origins;
    await signIn(page, o, 'alice');
    await stopServiceWorkers(page);
    // The first silent round trip never reaches /callback, as if its iframe died with its page.
    let diverted = 0;
    f.proxy.setLocationTransform((loc) => {
      if (loc.origin !== o.appOrigin || loc.pathname !== '/callback') return null;
      diverted++;
      return new URL('/favicon.svg', o.appOrigin);
    });
    try {
      await openApp(page, o);
      await eventually(() => (diverted > 0 ? true : undefined), 'the first silent round trip diverted');
      assert.equal((await swSession(page)).status, 'recovering');
    } finally {
      f.proxy.setLocationTransform(null);
    }
    // The user reloads while the SW still waits for that iframe.
    await openApp(page, o);
    const after = await waitForSession(page, 'signed-in');
    assert.equal(after.user.sub, 'alice');
    assert.equal((await pageFetch(page, `${o.apiOrigin}/todos`)).status, 200);
  });

  test('Recovery: SW stopped while the user is on the IdP login page: the sign-in still completes', async () => {
    const { page } = await f.page();
    const o = f.stack.origins;
    await openApp(page, o);
    await page.goto(`${o.appOrigin}/login?returnTo=${encodeURIComponent('/?from=idp')}`);
    await page.waitForURL((u) => u.origin === o.issuer);
    await stopServiceWorkers(page);
    await fillIdpLogin(page, o, 'alice');
    await waitForApp(page, o);
    const url = new URL(page.url());
    assert.equal(url.pathname + url.search, '/?from=idp');
    await waitForSession(page, 'signed-in');
    assert.equal((await pageFetch(page, `${o.apiOrigin}/todos`)).status, 200);
  });

  test('Recovery: SW stopped during a refresh held at a slowed token endpoint: API calls work again, no refresh token sent twice', async () => {
    const { page } = await f.page();
    const o = f.stack.origins;
    await signIn(page, o, 'alice');
    const release = f.proxy.holdTokenRequests();
    const held = f.proxy.tokenRequestCount();
    try {
      // Keep calling until the SW starts a refresh (held at the proxy).
      await eventually(
        () => {
          void apiCall(page, `${o.apiOrigin}/todos`);
          return f.proxy.tokenRequestCount() > held ? true : undefined;
        },
        'a refresh reaching the token endpoint',
        60_000,
      );
      await stopServiceWorkers(page);
    } finally {
      release();
    }
    const status = await apiCall(page, `${o.apiOrigin}/todos`);
    assert.equal(status, 200);
    await waitForSession(page, 'signed-in');
    assert.equal(await apiCall(page, `${o.apiOrigin}/todos`), 200);
    const sent = f.proxy.tokenExchanges.map((x) => x.request.get('refresh_token')).filter((t): t is string => t !== null);
    assert.equal(new Set(sent).size, sent.length, 'a refresh token that may have reached the IdP was sent again');
  });
});

describe('Recovery: after the IdP session ended', () => {
  const f = useStack({ accessTokenTtl: 60, sessionTtl: 15, refreshTokenTtl: 15 });

  test('Recovery: after the IdP session ended, the app ends signed out with at most one top-level navigation', async () => {
    const { page } = await f.page();
    const o = f.stack.origins;
    await signIn(page, o, 'alice');
    // Let the IdP session (and the refresh token bound to it) run out.
    await sleep(17_000);
    await stopServiceWorkers(page);
    const navs = committedNavigations(page);
    await apiCall(page, `${o.apiOrigin}/todos`);
    const end = await waitForSession(page, 'signed-out', 60_000);
    assert.equal(end.reason, 'session-expired');
    await page
      .getByRole('link', { name: 'Sign in' })
      .or(page.getByRole('button', { name: 'Sign in' }))
      .first()
      .waitFor({ timeout: 30_000 });
    // Settle, then count: a loop would keep navigating.
    await sleep(5_000);
    assert.ok(navs.length <= 1, `top-level navigations: ${JSON.stringify(navs)}`);
    assert.equal((await swSession(page)).status, 'signed-out');
  });
});

describe('Recovery: IdP on another site (host-resolver-rules) -> top-level fallback', () => {
  const APP_HOST = 'todo-app.e2e.localhost';
  // No proxy here: it would resolve the mapped name itself, bypassing --host-resolver-rules.
  const f = useStack({ appHost: APP_HOST, accessTokenTtl: 60 }, () => ({
    extraArgs: [`--host-resolver-rules=MAP ${APP_HOST} 127.0.0.1`],
  }));

  test('Recovery: with the IdP on another site, the top-level prompt=none fallback restores the session and keeps the route', async () => {
    const { page, nav } = await f.page();
    const o = f.stack.origins;
    await signIn(page, o, 'alice', '/?view=e2e-route');
    assert.equal(new URL(page.url()).origin, o.appOrigin);
    await stopServiceWorkers(page);
    const navStart = nav.length;
    void apiCall(page, `${o.apiOrigin}/todos`);
    await eventually(
      () => (nav.slice(navStart).some((u) => new URL(u).origin === o.issuer) ? true : undefined),
      'a top-level navigation to the IdP (the fallback)',
      60_000,
    );
    await waitForApp(page, o);
    await waitForSession(page, 'signed-in', 60_000);
    const url = new URL(page.url());
    assert.equal(url.pathname + url.search, '/?view=e2e-route');
    assert.equal((await pageFetch(page, `${o.apiOrigin}/todos`)).status, 200);
  });
});
