/**
 * Issue 9 item 7: recovery with an IdP that refuses `prompt=none` without `id_token_hint` (OIDC
 * Core §3.1.2.1 allows it; the local IdP's switch does exactly that). With an ID token in
 * memory the SW sends the hint and comes back silently; after a SW stop it holds none, so the
 * user gets one clear action, "Continue as <name>": one click, no password (the IdP session is
 * alive), and no loop.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openApp, pageFetch, signIn, stopServiceWorkers, waitForApp, waitForSession } from './harness/browser.ts';
import { eventually, sleep, useStack } from './harness/fixture.ts';

describe('Issue 9: an IdP that wants id_token_hint with prompt=none', () => {
  const f = useStack({ accessTokenTtl: 20, requireIdTokenHintWithPromptNone: true });
  const authorizations = () => f.proxy.requests.filter((r) => r.url.origin === f.stack.origins.issuer && r.url.pathname === '/auth');

  test('issue 9: after a refresh that may have reached the IdP, recovery sends id_token_hint and succeeds silently', async () => {
    const { page } = await f.page();
    const o = f.stack.origins;
    await signIn(page, o, 'alice');
    const before = authorizations().length;
    f.proxy.setTokenAnswer((form) =>
      form.get('grant_type') === 'refresh_token' ? { status: 503, body: '{"error":"temporarily_unavailable"}' } : null,
    );
    try {
      await eventually(
        async () => {
          await pageFetch(page, `${o.apiOrigin}/todos`);
          return authorizations().length > before ? true : undefined;
        },
        'a silent re-authentication',
        60_000,
      );
    } finally {
      f.proxy.setTokenAnswer(null);
    }
    await eventually(async () => ((await pageFetch(page, `${o.apiOrigin}/todos`)).status === 200 ? true : undefined), 'API calls working again');
    const silent = authorizations().slice(before)[0]!;
    assert.equal(silent.url.searchParams.get('prompt'), 'none');
    assert.ok(silent.url.searchParams.get('id_token_hint'), 'the hint was sent');
    await waitForSession(page, 'signed-in');
  });

  test('issue 9: after a SW stop: "Continue as Alice Example", one click, no password, no loop', async () => {
    const { page } = await f.page();
    const o = f.stack.origins;
    await signIn(page, o, 'alice');
    await stopServiceWorkers(page);
    await openApp(page, o);
    const cont = page.getByRole('link', { name: 'Continue as Alice Example' });
    await cont.waitFor({ timeout: 60_000 });
    // No loop: nothing goes to the IdP while the user has not acted.
    const waiting = authorizations().length;
    await sleep(3_000);
    assert.equal(authorizations().length, waiting);
    await cont.click();
    await waitForApp(page, o);
    assert.equal(await page.locator('input[name="password"]').count(), 0, 'no password asked');
    await waitForSession(page, 'signed-in');
    assert.equal((await pageFetch(page, `${o.apiOrigin}/todos`)).status, 200);
    const last = authorizations().at(-1)!;
    assert.equal(last.url.searchParams.get('prompt'), null, 'an ordinary authorization request');
  });
});
