/** C1 (PKCE S256, code only, public client) and C2 (exact redirect URIs). Split from idp.test.ts by requirement (issue 11). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { authorizeRequest, callbackParams, codeFromCallback, CookieJar, signIn, startAuthorization, submitLogin, tokenRequest } from '../flow.ts';
import { alice, authorizeOnce, useStack } from './test-helpers.ts';

const s = useStack();

describe('C1: PKCE S256 required, response_type=code only, public client', () => {
  test('C1: a request without code_challenge is refused with invalid_request', async () => {
    const req = authorizeRequest(s.issuer, s.appOrigin);
    req.url.searchParams.delete('code_challenge');
    req.url.searchParams.delete('code_challenge_method');
    const res = await authorizeOnce(req.url);
    assert.equal(res.status, 303);
    const p = callbackParams(new URL(res.headers.get('Location')!));
    assert.equal(p.error, 'invalid_request');
    assert.equal(p.code, undefined);
  });

  test('C1: code_challenge_method=plain is refused', async () => {
    const req = authorizeRequest(s.issuer, s.appOrigin, { code_challenge_method: 'plain' });
    const res = await authorizeOnce(req.url);
    const p = callbackParams(new URL(res.headers.get('Location')!));
    assert.equal(p.error, 'invalid_request');
  });

  test('C1: response_type=token (or any but code) is refused and nothing is issued', async () => {
    for (const responseType of ['token', 'id_token', 'code id_token', 'code token']) {
      const req = authorizeRequest(s.issuer, s.appOrigin, { response_type: responseType });
      const res = await authorizeOnce(req.url);
      const location = new URL(res.headers.get('Location') ?? 'about:blank');
      // Implicit-style requests get their error in the fragment (RFC 6749 4.2.2.1).
      const answer = new URLSearchParams(location.hash.slice(1) || location.search.slice(1));
      assert.ok(['unsupported_response_type', 'invalid_request'].includes(answer.get('error') ?? ''), responseType);
      for (const issued of ['access_token', 'id_token', 'code']) assert.equal(answer.get(issued), null);
      assert.equal(answer.get('iss'), s.issuer);
    }
  });

  test('C1: response_mode other than query is refused', async () => {
    for (const mode of ['form_post', 'fragment', 'web_message']) {
      const req = authorizeRequest(s.issuer, s.appOrigin, { response_mode: mode });
      const res = await authorizeOnce(req.url);
      assert.equal(res.status, 400, 'no self-submitting form_post page');
      assert.equal(res.headers.get('Location'), null);
      const html = await res.text();
      assert.match(html, /unsupported_response_mode/);
      assert.doesNotMatch(html, /<form/);
    }
    const explicitQuery = await authorizeOnce(authorizeRequest(s.issuer, s.appOrigin, { response_mode: 'query' }).url);
    assert.equal(explicitQuery.status, 303, 'response_mode=query is fine');
    const d = (await (await fetch(`${s.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    assert.deepEqual(d['response_modes_supported'], ['query']);
    assert.deepEqual(d['response_types_supported'], ['code']);
    assert.deepEqual(d['code_challenge_methods_supported'], ['S256']);
  });

  test('C1: the code exchange needs the right code_verifier and no client secret', async () => {
    const jar = new CookieJar();
    const req = authorizeRequest(s.issuer, s.appOrigin);
    const landing = await submitLogin(await startAuthorization(req.url, jar), jar, alice.username, alice.password);
    const code = codeFromCallback(landing, req, s.issuer);
    const wrong = await tokenRequest(
      s.issuer,
      {
        grant_type: 'authorization_code',
        code,
        redirect_uri: `${s.appOrigin}/callback`,
        code_verifier: 'x'.repeat(43),
      },
      s.appOrigin,
    );
    assert.equal(wrong.status, 400);
    assert.equal(((await wrong.json()) as { error: string }).error, 'invalid_grant');
  });

  test('C1: the SPA signs in as a public client (PKCE, no secret) and gets tokens', async () => {
    const { tokens } = await signIn({ issuer: s.issuer, appOrigin: s.appOrigin, username: alice.username, password: alice.password });
    assert.equal(tokens.token_type, 'Bearer');
    assert.ok(tokens.access_token && tokens.id_token && tokens.refresh_token);
  });
});

describe('C2: exact redirect URI matching', () => {
  for (const [label, mutate] of [
    ['extra path', (o: string) => `${o}/callback/extra`],
    ['extra query', (o: string) => `${o}/callback?x=1`],
    ['other port', (o: string) => o.replace(/:(\d+)$/, (_m, p: string) => `:${Number(p) + 1}`) + '/callback'],
    ['trailing slash', (o: string) => `${o}/callback/`],
  ] as const) {
    test(`C2: ${label}: error page, no redirect`, async () => {
      const req = authorizeRequest(s.issuer, s.appOrigin, { redirect_uri: mutate(s.appOrigin) });
      const res = await authorizeOnce(req.url);
      assert.equal(res.status, 400);
      assert.equal(res.headers.get('Location'), null);
      const html = await res.text();
      assert.match(html, /redirect_uri/);
      assert.doesNotMatch(html, /at .*\.js:\d+/, 'no stack trace');
    });
  }
});
