/** C9: RP-initiated logout with an exact post_logout_redirect_uri. Split from idp.test.ts by requirement (issue 11). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { authorizeRequest, callbackParams, CookieJar, send, signIn, silentAuthorize } from '../flow.ts';
import { alice, endSession, useStack } from './test-helpers.ts';

const s = useStack();

describe('C9: RP-initiated logout with exact post_logout_redirect_uri', () => {
  test('C9: with a valid id_token_hint the confirm page submits itself (external script) and returns to the app', async () => {
    const { tokens, cookies } = await signIn({ issuer: s.issuer, appOrigin: s.appOrigin, username: alice.username, password: alice.password });
    const url = new URL('/session/end', s.issuer);
    url.searchParams.set('id_token_hint', tokens.id_token!);
    url.searchParams.set('post_logout_redirect_uri', `${s.appOrigin}/`);
    const page = await send(url, cookies.clone());
    const html = await page.text();
    assert.match(html, /<script src="\/idp-assets\/autosubmit\.js"/);
    assert.doesNotMatch(html, /<script>/);
    const csp = page.headers.get('Content-Security-Policy') ?? '';
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline/);

    const done = await endSession(s, cookies, tokens.id_token!);
    assert.equal(done.status, 303);
    const back = new URL(done.headers.get('Location')!);
    assert.equal(`${back.origin}${back.pathname}`, `${s.appOrigin}/`);
    assert.equal(back.searchParams.get('state'), 'bye');
    const { landing } = await silentAuthorize(s.issuer, s.appOrigin, cookies);
    assert.equal(callbackParams(landing.url).error, 'login_required', 'the IdP session is gone');
  });

  test('C9: without an id_token_hint the page asks before signing out', async () => {
    const { cookies } = await signIn({ issuer: s.issuer, appOrigin: s.appOrigin, username: alice.username, password: alice.password });
    const page = await send(new URL('/session/end', s.issuer), cookies);
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.doesNotMatch(html, /autosubmit\.js/);
    assert.match(html, /<button type="submit"/);
  });

  test('C9: with no IdP session the sign-out still completes through an external auto-submit script', async () => {
    const jar = new CookieJar();
    const page = await send(new URL('/session/end', s.issuer), jar);
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /<script src="\/idp-assets\/autosubmit\.js"/);
    assert.doesNotMatch(html, /<script>/, 'no inline script');
    assert.doesNotMatch(page.headers.get('Content-Security-Policy') ?? '', /sha256-|unsafe-inline/);
    const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1];
    assert.ok(action && xsrf);
    const done = await send(new URL(action, s.issuer), jar, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ xsrf }).toString(),
    });
    assert.equal(done.status, 303);
    const success = await send(new URL(done.headers.get('Location')!, s.issuer), jar);
    assert.equal(success.status, 200);
    assert.match(await success.text(), /Signed out/);
  });

  test('C10: a prompt=none redirect carries no framing headers, so a hidden iframe can follow it', async () => {
    const { cookies } = await signIn({ issuer: s.issuer, appOrigin: s.appOrigin, username: alice.username, password: alice.password });
    const req = authorizeRequest(s.issuer, s.appOrigin, { prompt: 'none' });
    const res = await send(req.url, cookies, { headers: { Accept: 'text/html' } });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('X-Frame-Options'), null);
    assert.doesNotMatch(res.headers.get('Content-Security-Policy') ?? '', /frame-ancestors/);
  });

  for (const [label, mutate] of [
    ['extra path', (o: string) => `${o}/elsewhere`],
    ['other origin', () => 'http://localhost:1/'],
    ['extra query', (o: string) => `${o}/?next=x`],
  ] as const) {
    test(`C9: unregistered post_logout_redirect_uri (${label}) is not followed`, async () => {
      const { tokens, cookies } = await signIn({ issuer: s.issuer, appOrigin: s.appOrigin, username: alice.username, password: alice.password });
      const url = new URL('/session/end', s.issuer);
      url.searchParams.set('id_token_hint', tokens.id_token!);
      url.searchParams.set('post_logout_redirect_uri', mutate(s.appOrigin));
      const res = await send(url, cookies);
      assert.equal(res.status, 400);
      assert.equal(res.headers.get('Location'), null);
      const html = await res.text();
      assert.match(html, /post_logout_redirect_uri/);
      assert.doesNotMatch(html, /<form/);
    });
  }
});
