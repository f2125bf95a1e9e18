/**
 * Refresh through oidc-client-ts's `useRefreshToken`, seen from outside (issue 7): a refresh that
 * may have reached the IdP (network failure, 503, 429) never sends its refresh token a second
 * time, and the session comes back through silent recovery without the page ever hearing
 * "signed out"; refresh answers with and without a new ID token both keep the session, and the
 * ID token the SW holds afterwards (visible in the sign-out URL's `id_token_hint`) is the right one.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { pageFetch, signIn, waitForSession } from './harness/browser.ts';
import { eventually, pagePerTest, useStack } from './harness/fixture.ts';
import type { CannedAnswer, TokenExchange } from './harness/proxy.ts';

const TTL = 20;
const isRefresh = (x: TokenExchange) => x.request.get('grant_type') === 'refresh_token';

describe('Refresh failures and refresh answers', () => {
  const f = useStack({ accessTokenTtl: TTL });
  // Each test's session keeps refreshing while its context is open, and all share the proxy's
  // log: close it so the next test sees only its own token requests.
  const freshPage = pagePerTest(f);

  /** Calls the API until a refresh request has been made (the token is due after TTL/2). */
  async function untilRefreshed(page: Page, since: number): Promise<TokenExchange> {
    return eventually(
      async () => {
        await page.evaluate(
          (u) =>
            fetch(u).then(
              () => undefined,
              () => undefined,
            ),
          `${f.stack.origins.apiOrigin}/todos`,
        );
        return f.proxy.tokenExchanges.slice(since).find(isRefresh);
      },
      'a refresh request',
      60_000,
    );
  }

  const failures: [string, CannedAnswer | 'network'][] = [
    ['a network failure', 'network'],
    ['a 503', { status: 503, body: JSON.stringify({ error: 'temporarily_unavailable' }), headers: { 'retry-after': '5' } }],
    ['a 429', { status: 429, body: JSON.stringify({ error: 'slow_down' }) }],
  ];
  for (const [label, failure] of failures) {
    test(`Refresh: after ${label} the refresh token is never sent twice and the session comes back silently`, async () => {
      const { page } = await freshPage();
      const o = f.stack.origins;
      await signIn(page, o, 'alice');
      const before = f.proxy.tokenExchanges.length;
      if (failure === 'network') f.proxy.setTokenNetworkFailure(true);
      else f.proxy.setTokenAnswer((form) => (form.get('grant_type') === 'refresh_token' ? failure : null));
      let failed: string | null;
      try {
        failed = (await untilRefreshed(page, before)).request.get('refresh_token');
      } finally {
        f.proxy.setTokenNetworkFailure(false);
        f.proxy.setTokenAnswer(null);
      }
      assert.ok(failed, 'the failed request carried a refresh token');
      // The access token may still be live, so calls work at once; the session is back once
      // silent recovery has made a new code exchange.
      await eventually(
        () =>
          f.proxy.tokenExchanges.slice(before).some((x) => x.request.get('grant_type') === 'authorization_code' && x.status === 200)
            ? true
            : undefined,
        'silent recovery to make a new code exchange',
        60_000,
      );
      await eventually(async () => ((await pageFetch(page, `${o.apiOrigin}/todos`)).status === 200 ? true : undefined), 'API calls working', 60_000);
      await waitForSession(page, 'signed-in');
      const after = f.proxy.tokenExchanges.slice(before);
      assert.equal(after.filter((x) => x.request.get('refresh_token') === failed).length, 1, 'that refresh token was sent once');
      const messages = await page.evaluate(() => (globalThis as unknown as { __e2eMessages: string[] }).__e2eMessages.join('\n'));
      assert.doesNotMatch(messages, /"status":"signed-out"/, 'the page was never told it was signed out');
    });
  }

  /** The SW applied the refresh answer (the proxy saw it a moment before the SW did). */
  function refreshApplied(page: Page) {
    return eventually(async () => {
      const s = await waitForSession(page, 'signed-in');
      return s.lastRefreshAt !== null ? s : undefined;
    }, 'the refresh to be applied');
  }

  /** Signs out through the app and returns the ID token the SW sent as `id_token_hint`. */
  async function idTokenHintAtSignOut(page: Page, nav: string[]): Promise<string | null> {
    await page.getByRole('button', { name: 'Sign out' }).click();
    const end = await eventually(
      () => nav.map((u) => new URL(u)).find((u) => u.origin === f.stack.origins.issuer && u.searchParams.has('post_logout_redirect_uri')),
      'the end-session navigation',
    );
    return end.searchParams.get('id_token_hint');
  }

  test('Refresh: an answer without a new ID token keeps the session and the original ID token', async () => {
    const { page, nav } = await freshPage();
    const o = f.stack.origins;
    await signIn(page, o, 'alice');
    const signInExchange = f.proxy.tokenExchanges.at(-1)!;
    const before = f.proxy.tokenExchanges.length;
    f.proxy.setTokenResponseTransform((body, form) => {
      if (form.get('grant_type') === 'refresh_token') delete body['id_token'];
      return body;
    });
    try {
      const refresh = await untilRefreshed(page, before);
      assert.equal(refresh.status, 200);
      assert.equal(refresh.response?.['id_token'], undefined);
    } finally {
      f.proxy.setTokenResponseTransform(null);
    }
    const session = await refreshApplied(page);
    assert.equal(session.user.name, 'Alice Example');
    assert.equal(await idTokenHintAtSignOut(page, nav), signInExchange.response?.['id_token']);
  });

  test('Refresh: an answer with a new ID token is verified and becomes the one the SW holds', async () => {
    const { page, nav } = await freshPage();
    const o = f.stack.origins;
    await signIn(page, o, 'alice');
    const before = f.proxy.tokenExchanges.length;
    const refresh = await untilRefreshed(page, before);
    const fresh = refresh.response?.['id_token'];
    assert.equal(typeof fresh, 'string', 'the IdP sent a new ID token');
    await refreshApplied(page);
    assert.equal(await idTokenHintAtSignOut(page, nav), fresh);
  });
});
