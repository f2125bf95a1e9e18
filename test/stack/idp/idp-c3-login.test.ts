/** C3 (iss in every authorization response) and the login form. Split from idp.test.ts by requirement (issue 11). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import {
  authorizeRequest,
  callbackParams,
  codeFromCallback,
  CookieJar,
  exchangeCode,
  follow,
  send,
  signIn,
  silentAuthorize,
  startAuthorization,
  submitLogin,
} from '../flow.ts';
import { alice, useStack } from './test-helpers.ts';

const s = useStack();

describe('C3: iss in every authorization response (RFC 9207)', () => {
  test('C3: discovery advertises authorization_response_iss_parameter_supported', async () => {
    const d = (await (await fetch(`${s.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    assert.equal(d['authorization_response_iss_parameter_supported'], true);
    assert.equal(d['issuer'], s.issuer);
  });

  test('C3: a success redirect carries iss', async () => {
    const jar = new CookieJar();
    const req = authorizeRequest(s.issuer, s.appOrigin);
    const landing = await submitLogin(await startAuthorization(req.url, jar), jar, alice.username, alice.password);
    assert.ok(landing.leftIdp);
    assert.equal(landing.url.origin + landing.url.pathname, `${s.appOrigin}/callback`);
    const p = callbackParams(landing.url);
    assert.equal(p.iss, s.issuer);
    assert.ok(p.code);
    assert.equal(p.state, req.state);
  });

  test('C3: prompt=none without a session gives login_required with iss', async () => {
    const { req, landing } = await silentAuthorize(s.issuer, s.appOrigin, new CookieJar());
    assert.ok(landing.leftIdp);
    const p = callbackParams(landing.url);
    assert.equal(p.error, 'login_required');
    assert.equal(p.iss, s.issuer);
    assert.equal(p.state, req.state);
  });

  test('C3: Cancel on the login page gives access_denied with iss', async () => {
    const jar = new CookieJar();
    const req = authorizeRequest(s.issuer, s.appOrigin);
    const page = await startAuthorization(req.url, jar);
    const html = await page.response.text();
    const m = /<a[^>]*href="([^"]+)"[^>]*>Cancel<\/a>/.exec(html);
    assert.ok(m?.[1], 'a Cancel link');
    const cancelUrl = new URL(m[1], page.url);
    const landing = await follow(await send(cancelUrl, jar), cancelUrl, jar);
    assert.ok(landing.leftIdp);
    const p = callbackParams(landing.url);
    assert.equal(p.error, 'access_denied');
    assert.equal(p.iss, s.issuer);
    assert.equal(p.state, req.state);
  });

  test('C3: prompt=none with the IdP session cookies returns a code without login', async () => {
    const { cookies } = await signIn({ issuer: s.issuer, appOrigin: s.appOrigin, username: alice.username, password: alice.password });
    const { req, landing } = await silentAuthorize(s.issuer, s.appOrigin, cookies);
    const code = codeFromCallback(landing, req, s.issuer);
    const tokens = await exchangeCode(s.issuer, s.appOrigin, code, req.pkce.verifier);
    assert.equal(decodeJwt(tokens.access_token).sub, alice.sub);
    assert.ok(tokens.refresh_token, 'a refresh token without prompt=consent');
  });
});

describe('login page behaviour', () => {
  test('a wrong password shows the form again with an error, no redirect', async () => {
    const jar = new CookieJar();
    const req = authorizeRequest(s.issuer, s.appOrigin);
    const page = await startAuthorization(req.url, jar);
    const landing = await submitLogin(page, jar, alice.username, 'not-the-password');
    assert.equal(landing.leftIdp, false);
    assert.ok([200, 401].includes(landing.response.status));
    assert.equal(landing.response.headers.get('Location'), null);
    const html = await landing.response.text();
    assert.match(html, /role="alert"/);
    assert.match(html, /<input[^>]*name="username"/);
    assert.match(html, /<input[^>]*name="password"/);
  });

  test('an unknown user is refused the same way', async () => {
    const jar = new CookieJar();
    const page = await startAuthorization(authorizeRequest(s.issuer, s.appOrigin).url, jar);
    const landing = await submitLogin(page, jar, 'mallory', 'alice-password');
    assert.equal(landing.leftIdp, false);
    assert.match(await landing.response.text(), /role="alert"/);
  });
});
