import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { freePort } from '../free-port.ts';
import {
  authorizeRequest,
  callbackParams,
  codeFromCallback,
  CookieJar,
  exchangeCode,
  refresh,
  send,
  signIn,
  silentAuthorize,
  startAuthorization,
  submitLogin,
  tokenRequest,
  type TokenSet,
} from '../flow.ts';
import { API_CLIENT, DEMO_USERS, idpOptionsFromEnv, IdpError, startIdp, type RunningIdp } from './server.ts';

const ACCESS_TOKEN_TTL = 120;
const alice = DEMO_USERS[0]!;

interface Stack { idp: RunningIdp; issuer: string; appOrigin: string; apiOrigin: string; keysDir: string }

async function startStack(extra: { accessTokenFormat?: 'jwt' | 'opaque'; keysDir?: string } = {}): Promise<Stack> {
  const keysDir = extra.keysDir ?? await mkdtemp(join(tmpdir(), 'idp-keys-'));
  const [idpPort, appPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  const appOrigin = `http://localhost:${appPort}`;
  const apiOrigin = `http://localhost:${apiPort}`;
  const idp = await startIdp({
    port: idpPort, appOrigin, apiOrigin, keysDir, accessTokenTtl: ACCESS_TOKEN_TTL,
    ...(extra.accessTokenFormat ? { accessTokenFormat: extra.accessTokenFormat } : {}),
  });
  return { idp, issuer: idp.issuer, appOrigin, apiOrigin, keysDir };
}

async function stopStack(s: Stack): Promise<void> {
  await s.idp.close();
  await rm(s.keysDir, { recursive: true, force: true });
}

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

function introspect(s: Stack, token: string, headers: Record<string, string>, extra: Record<string, string> = {}) {
  return fetch(`${s.issuer}/token/introspection`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams({ token, ...extra }).toString(),
  });
}

/** A rejected /auth request: either an error page with no redirect, or an error redirect. */
async function authorizeOnce(url: URL): Promise<Response> {
  return fetch(url, { redirect: 'manual' });
}

let s: Stack;
before(async () => { s = await startStack(); });
after(async () => { await stopStack(s); });

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
    const d = await (await fetch(`${s.issuer}/.well-known/openid-configuration`)).json() as Record<string, unknown>;
    assert.deepEqual(d.response_modes_supported, ['query']);
    assert.deepEqual(d.response_types_supported, ['code']);
    assert.deepEqual(d.code_challenge_methods_supported, ['S256']);
  });

  test('C1: the code exchange needs the right code_verifier and no client secret', async () => {
    const jar = new CookieJar();
    const req = authorizeRequest(s.issuer, s.appOrigin);
    const landing = await submitLogin(await startAuthorization(req.url, jar), jar, alice.username, alice.password);
    const code = codeFromCallback(landing, req, s.issuer);
    const wrong = await tokenRequest(s.issuer, {
      grant_type: 'authorization_code', code, redirect_uri: `${s.appOrigin}/callback`, code_verifier: 'x'.repeat(43),
    }, s.appOrigin);
    assert.equal(wrong.status, 400);
    assert.equal((await wrong.json() as { error: string }).error, 'invalid_grant');
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

describe('C3: iss in every authorization response (RFC 9207)', () => {
  test('C3: discovery advertises authorization_response_iss_parameter_supported', async () => {
    const d = await (await fetch(`${s.issuer}/.well-known/openid-configuration`)).json() as Record<string, unknown>;
    assert.equal(d.authorization_response_iss_parameter_supported, true);
    assert.equal(d.issuer, s.issuer);
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
    const { follow } = await import('../flow.ts');
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

describe('C4: refresh tokens rotate, with reuse detection, bound to the IdP session', () => {
  test('C4: RT1 gives RT2; replaying RT1 fails and kills RT2', async () => {
    const { tokens } = await signIn({ issuer: s.issuer, appOrigin: s.appOrigin, username: alice.username, password: alice.password });
    const rt1 = tokens.refresh_token!;
    const r2 = await refresh(s.issuer, rt1, s.appOrigin);
    assert.equal(r2.status, 200);
    const t2 = await r2.json() as TokenSet;
    const rt2 = t2.refresh_token!;
    assert.ok(rt2 && rt2 !== rt1, 'a new refresh token');

    const replay = await refresh(s.issuer, rt1, s.appOrigin);
    assert.equal(replay.status, 400);
    assert.equal((await replay.json() as { error: string }).error, 'invalid_grant');

    const afterReplay = await refresh(s.issuer, rt2, s.appOrigin);
    assert.equal(afterReplay.status, 400);
    assert.equal((await afterReplay.json() as { error: string }).error, 'invalid_grant');
  });

  test('C4: a refresh token is issued without offline_access and without prompt=consent', async () => {
    const { tokens } = await signIn({
      issuer: s.issuer, appOrigin: s.appOrigin, username: alice.username, password: alice.password,
      scope: 'openid profile todos:read',
    });
    assert.ok(tokens.refresh_token);
    const r = await refresh(s.issuer, tokens.refresh_token, s.appOrigin);
    assert.equal(r.status, 200);
  });

  test('C4: signing out at the IdP ends the refresh tokens', async () => {
    const { tokens, cookies } = await signIn({ issuer: s.issuer, appOrigin: s.appOrigin, username: alice.username, password: alice.password });
    await endSession(s, cookies, tokens.id_token!);
    const r = await refresh(s.issuer, tokens.refresh_token!, s.appOrigin);
    assert.equal(r.status, 400);
    assert.equal((await r.json() as { error: string }).error, 'invalid_grant');
  });
});

/** RP-initiated logout with a valid id_token_hint: confirm page, then the auto-submitted form. */
async function endSession(st: Stack, jar: CookieJar, idToken: string, postLogout = `${st.appOrigin}/`): Promise<Response> {
  const url = new URL('/session/end', st.issuer);
  url.searchParams.set('id_token_hint', idToken);
  url.searchParams.set('post_logout_redirect_uri', postLogout);
  url.searchParams.set('state', 'bye');
  const page = await send(url, jar);
  assert.equal(page.status, 200);
  const html = await page.text();
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
  const fields = [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]);
  assert.ok(action);
  return send(new URL(action, url), jar, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
}

describe('C5: JWT access tokens for the API (resource indicators)', () => {
  let tokens: TokenSet;
  let jwks: JSONWebKeySet;
  before(async () => {
    ({ tokens } = await signIn({ issuer: s.issuer, appOrigin: s.appOrigin, username: alice.username, password: alice.password }));
    jwks = await (await fetch(`${s.issuer}/jwks`)).json() as JSONWebKeySet;
  });

  test('C5: header is typ at+jwt, ES256, with a kid from the JWKS', () => {
    const h = decodeProtectedHeader(tokens.access_token);
    assert.equal(h.typ, 'at+jwt');
    assert.equal(h.alg, 'ES256');
    assert.ok(jwks.keys.some((k) => k.kid === h.kid));
    assert.ok(jwks.keys.every((k) => k.d === undefined), 'JWKS has no private parts');
  });

  test('C5: claims: iss, aud = the API, sub, client_id, scope, short configured lifetime', async () => {
    const { payload } = await jwtVerify(tokens.access_token, createLocalJWKSet(jwks), {
      issuer: s.issuer, audience: s.apiOrigin, typ: 'at+jwt', algorithms: ['ES256'],
    });
    assert.equal(payload.aud, s.apiOrigin);
    assert.equal(payload.sub, alice.sub);
    assert.equal(payload.client_id, 'todo-spa');
    assert.deepEqual(String(payload.scope).split(' ').sort(), ['todos:read', 'todos:write']);
    assert.equal(payload.exp! - payload.iat!, ACCESS_TOKEN_TTL);
    assert.equal(tokens.expires_in <= ACCESS_TOKEN_TTL, true);
    assert.ok(payload.jti);
  });

  test('C5: a refreshed access token is the same kind of JWT for the API', async () => {
    const r = await refresh(s.issuer, tokens.refresh_token!, s.appOrigin);
    const t = await r.json() as TokenSet;
    const { payload, protectedHeader } = await jwtVerify(t.access_token, createLocalJWKSet(jwks), {
      issuer: s.issuer, audience: s.apiOrigin, typ: 'at+jwt',
    });
    assert.equal(protectedHeader.alg, 'ES256');
    assert.match(String(payload.scope), /todos:read/);
  });

  test('C5: the ID token is for the SPA, signed with an asymmetric key', async () => {
    const { payload, protectedHeader } = await jwtVerify(tokens.id_token!, createLocalJWKSet(jwks), {
      issuer: s.issuer, audience: 'todo-spa',
    });
    assert.equal(protectedHeader.alg, 'ES256');
    assert.equal(payload.sub, alice.sub);
  });

  test('C5: ACCESS_TOKEN_FORMAT=opaque issues opaque tokens that the API client can introspect', async () => {
    const o = await startStack({ accessTokenFormat: 'opaque' });
    try {
      const { tokens: t } = await signIn({ issuer: o.issuer, appOrigin: o.appOrigin, username: alice.username, password: alice.password });
      assert.equal(t.access_token.split('.').length, 1, 'not a JWT');
      const res = await introspect(o, t.access_token, { Authorization: basic(API_CLIENT.clientId, API_CLIENT.clientSecret) });
      assert.equal(res.status, 200);
      const body = await res.json() as Record<string, unknown>;
      assert.equal(body.active, true);
      assert.equal(body.aud, o.apiOrigin);
      assert.equal(body.sub, alice.sub);
      assert.match(String(body.scope), /todos:write/);
    } finally {
      await stopStack(o);
    }
  });
});

describe('C7: CORS only for the app origin, only where the SPA needs it', () => {
  const preflight = (path: string, origin: string, method = 'POST') => fetch(`${s.issuer}${path}`, {
    method: 'OPTIONS',
    headers: { Origin: origin, 'Access-Control-Request-Method': method, 'Access-Control-Request-Headers': 'content-type' },
  });

  test('C7: a preflight to /auth gets no CORS headers', async () => {
    for (const origin of [s.appOrigin, 'http://localhost:1']) {
      const res = await preflight('/auth', origin, 'GET');
      assert.equal(res.headers.get('Access-Control-Allow-Origin'), null);
      assert.equal(res.headers.get('Access-Control-Allow-Methods'), null);
    }
    const get = await fetch(authorizeRequest(s.issuer, s.appOrigin).url, { redirect: 'manual', headers: { Origin: s.appOrigin } });
    assert.equal(get.headers.get('Access-Control-Allow-Origin'), null);
  });

  test('C7: token and revocation preflights allow the app origin', async () => {
    for (const path of ['/token', '/token/revocation']) {
      const res = await preflight(path, s.appOrigin);
      assert.equal(res.headers.get('Access-Control-Allow-Origin'), s.appOrigin);
      assert.match(res.headers.get('Access-Control-Allow-Methods') ?? '', /POST/);
    }
  });

  test('C7: token preflight and answer from another origin are not readable there', async () => {
    const evil = 'http://localhost:1';
    const pre = await preflight('/token', evil);
    assert.equal(pre.headers.get('Access-Control-Allow-Origin'), null);
    const { tokens } = await signIn({ issuer: s.issuer, appOrigin: s.appOrigin, username: alice.username, password: alice.password });
    const res = await refresh(s.issuer, tokens.refresh_token!, evil);
    assert.equal(res.headers.get('Access-Control-Allow-Origin'), null);
    const body = await res.json() as Record<string, unknown>;
    assert.equal(body.access_token, undefined);
  });

  test('C7: a token answer to the app origin carries its CORS header', async () => {
    const { tokens } = await signIn({ issuer: s.issuer, appOrigin: s.appOrigin, username: alice.username, password: alice.password });
    const res = await refresh(s.issuer, tokens.refresh_token!, s.appOrigin);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('Access-Control-Allow-Origin'), s.appOrigin);
  });

  test('C7: discovery and JWKS answer any origin', async () => {
    for (const path of ['/.well-known/openid-configuration', '/jwks']) {
      const res = await fetch(`${s.issuer}${path}`, { headers: { Origin: 'http://localhost:1' } });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('Access-Control-Allow-Origin'), 'http://localhost:1');
    }
  });

  test('C7: introspection gets no CORS for the app', async () => {
    const res = await preflight('/token/introspection', s.appOrigin);
    assert.equal(res.headers.get('Access-Control-Allow-Origin'), null);
  });
});

describe('C8: revocation, and introspection only for the API client', () => {
  test('C8: the SPA revokes its refresh token, which then no longer works', async () => {
    const { tokens } = await signIn({ issuer: s.issuer, appOrigin: s.appOrigin, username: alice.username, password: alice.password });
    const res = await fetch(`${s.issuer}/token/revocation`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: s.appOrigin },
      body: new URLSearchParams({ client_id: 'todo-spa', token: tokens.refresh_token!, token_type_hint: 'refresh_token' }).toString(),
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('Access-Control-Allow-Origin'), s.appOrigin);
    const r = await refresh(s.issuer, tokens.refresh_token!, s.appOrigin);
    assert.equal(r.status, 400);
  });

  test('C8: introspection without credentials or with only the SPA client_id is refused', async () => {
    const { tokens } = await signIn({ issuer: s.issuer, appOrigin: s.appOrigin, username: alice.username, password: alice.password });
    const none = await introspect(s, tokens.refresh_token!, {});
    assert.ok([400, 401].includes(none.status));
    assert.equal((await none.json() as { error: string }).error, 'invalid_client');
    const spa = await introspect(s, tokens.refresh_token!, {}, { client_id: 'todo-spa' });
    assert.ok([400, 401].includes(spa.status));
    const wrongSecret = await introspect(s, tokens.refresh_token!, { Authorization: basic(API_CLIENT.clientId, 'nope') });
    assert.equal(wrongSecret.status, 401);
    const asSpa = await introspect(s, tokens.refresh_token!, { Authorization: basic('todo-spa', '') });
    assert.ok([400, 401].includes(asSpa.status));
  });

  test('C8: the API client introspects with client_secret_basic', async () => {
    const { tokens } = await signIn({ issuer: s.issuer, appOrigin: s.appOrigin, username: alice.username, password: alice.password });
    const res = await introspect(s, tokens.refresh_token!, { Authorization: basic(API_CLIENT.clientId, API_CLIENT.clientSecret) });
    assert.equal(res.status, 200);
    const body = await res.json() as Record<string, unknown>;
    assert.equal(body.active, true);
    assert.equal(body.client_id, 'todo-spa');
    const junk = await introspect(s, 'not-a-token', { Authorization: basic(API_CLIENT.clientId, API_CLIENT.clientSecret) });
    assert.deepEqual(await junk.json(), { active: false });
  });
});

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

describe('running the IdP', () => {
  test('signing keys are generated once and reused on restart', async () => {
    const keysDir = await mkdtemp(join(tmpdir(), 'idp-keys-'));
    const first = await startStack({ keysDir });
    const kids1 = (await (await fetch(`${first.issuer}/jwks`)).json() as JSONWebKeySet).keys.map((k) => k.kid);
    await first.idp.close();
    const second = await startStack({ keysDir });
    try {
      const kids2 = (await (await fetch(`${second.issuer}/jwks`)).json() as JSONWebKeySet).keys.map((k) => k.kid);
      assert.deepEqual(kids2, kids1);
    } finally {
      await stopStack(second);
    }
  });

  test('a taken port fails with IDP_PORT_IN_USE naming IDP_PORT', async () => {
    await assert.rejects(
      startIdp({ port: s.idp.port, appOrigin: s.appOrigin, apiOrigin: s.apiOrigin, keysDir: s.keysDir }),
      (err: unknown) => err instanceof IdpError && err.code === 'IDP_PORT_IN_USE' && /IDP_PORT/.test(err.message),
    );
  });

  test('lifetimes and format come from the environment', () => {
    assert.deepEqual(idpOptionsFromEnv({}), {});
    assert.deepEqual(
      idpOptionsFromEnv({ ACCESS_TOKEN_TTL: '30', REFRESH_TOKEN_TTL: '60', SESSION_TTL: '90', ACCESS_TOKEN_FORMAT: 'opaque' }),
      { accessTokenTtl: 30, refreshTokenTtl: 60, sessionTtl: 90, accessTokenFormat: 'opaque' },
    );
    assert.throws(() => idpOptionsFromEnv({ ACCESS_TOKEN_TTL: 'soon' }), (e: unknown) => e instanceof IdpError && e.code === 'IDP_BAD_ENV');
    assert.throws(() => idpOptionsFromEnv({ ACCESS_TOKEN_FORMAT: 'paseto' }), (e: unknown) => e instanceof IdpError && e.code === 'IDP_BAD_ENV');
  });
});
