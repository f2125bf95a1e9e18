/** C10: framing refused, strict CSP; the login page after the sign-in finished. Split from idp.test.ts by requirement (issue 11). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { authorizeRequest, CookieJar, send, startAuthorization, submitLogin } from '../flow.ts';
import { alice, authorizeOnce, useStack } from './test-helpers.ts';

const s = useStack();

describe('C10: the IdP pages refuse framing and run under a strict CSP', () => {
  async function loginPage(): Promise<{ res: Response; html: string }> {
    const page = await startAuthorization(authorizeRequest(s.issuer, s.appOrigin).url, new CookieJar());
    return { res: page.response, html: await page.response.text() };
  }

  test('C10: the login page sends frame-ancestors none and X-Frame-Options DENY', async () => {
    const { res } = await loginPage();
    assert.equal(res.status, 200);
    const csp = res.headers.get('Content-Security-Policy') ?? '';
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(res.headers.get('X-Frame-Options'), 'DENY');
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self'/);
    assert.match(csp, /style-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  });

  test('C10: the login page has no inline script or style and no external origin', async () => {
    const { html } = await loginPage();
    assert.doesNotMatch(html, /<script(?![^>]*\ssrc=)[^>]*>/i, 'no inline script');
    assert.doesNotMatch(html, /<style/i, 'no style element');
    assert.doesNotMatch(html, /\sstyle=/i, 'no style attribute');
    assert.doesNotMatch(html, /\son[a-z]+=/i, 'no inline event handler');
    assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//i, 'no external origin');
    assert.doesNotMatch(html, /fonts\.googleapis|@import/i);
    assert.match(html, /<form method="post"/);
    assert.equal([...html.matchAll(/<button/g)].length, 1, 'one submit button');
    const css = await fetch(`${s.issuer}/idp-assets/idp.css`);
    assert.equal(css.status, 200);
    assert.match(css.headers.get('Content-Type') ?? '', /text\/css/);
    assert.doesNotMatch(await css.text(), /url\(|@import/);
  });

  test('C10: error pages are framed-out too and show no stack trace', async () => {
    const req = authorizeRequest(s.issuer, s.appOrigin, { redirect_uri: 'http://localhost:1/callback' });
    const res = await authorizeOnce(req.url);
    assert.equal(res.status, 400);
    assert.match(res.headers.get('Content-Security-Policy') ?? '', /frame-ancestors 'none'/);
    assert.equal(res.headers.get('X-Frame-Options'), 'DENY');
    const html = await res.text();
    assert.doesNotMatch(html, /<style|fonts\.googleapis|node_modules|\.js:\d+/);
  });
});

describe('login page after the sign-in finished (Back after sign-in)', () => {
  test('reloading a finished login page sends the browser back to the app, not to an error', async () => {
    const jar = new CookieJar();
    const req = authorizeRequest(s.issuer, s.appOrigin);
    const loginPage = await startAuthorization(req.url, jar);
    assert.equal(loginPage.response.status, 200);
    const done = await submitLogin(loginPage, jar, alice.username, alice.password);
    assert.equal(done.leftIdp, true);
    // What the browser does on Back: GET the login page's URL again, with the same cookies.
    const again = await send(loginPage.url, jar);
    assert.equal(again.status, 303);
    assert.equal(again.headers.get('Location'), `${s.appOrigin}/`);
  });

  test('an unknown interaction also goes back to the app, with no stack trace anywhere', async () => {
    const missing = await fetch(`${s.issuer}/interaction/does-not-exist`, { redirect: 'manual' });
    assert.equal(missing.status, 303);
    assert.equal(missing.headers.get('Location'), `${s.appOrigin}/`);
    assert.doesNotMatch(await missing.text(), /node_modules|\.js:\d+/);
  });
});
