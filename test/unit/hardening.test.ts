/**
 * Issue 8's findings, each pinned at the unit level (the black-box tests are in test/e2e/).
 */
import { afterEach, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { deploymentProblems } from '../../sw/deployment-check.ts';
import { handleApi } from '../../sw/handlers/api.ts';
import { handleCallback } from '../../sw/handlers/callback.ts';
import { handleCrossOrigin } from '../../sw/handlers/idp-guard.ts';
import { handleLogin } from '../../sw/handlers/login.ts';
import { refreshAhead } from '../../sw/session-listeners.ts';
import { Session } from '../../sw/session.ts';
import { tokensFrom } from '../../sw/tokens.ts';
import {
  API,
  APP,
  APP_DOCUMENT_HEADERS,
  DISCOVERY,
  ISSUER,
  fakeFetch,
  makeCtx,
  makeKeys,
  navigation,
  signIdToken,
  testTokens,
  tokenJson,
  type Route,
} from './fake-idp.ts';

const keys = await makeKeys();
const TOKEN = `${ISSUER}/token`;
const REVOKE = `${ISSUER}/token/revocation`;

afterEach(() => mock.timers.reset());

/** A full interactive sign-in through /login and /callback on `t`, as whoever `idp(sub)` says. */
async function signIn(t: ReturnType<typeof makeCtx>, state: { nonce: string }) {
  const login = await handleLogin(navigation(`${APP}/login?returnTo=/`), t.ctx);
  const authorize = new URL(login.headers.get('Location')!);
  state.nonce = authorize.searchParams.get('nonce')!;
  const s = encodeURIComponent(authorize.searchParams.get('state')!);
  return handleCallback(navigation(`${APP}/callback?code=c1&state=${s}&iss=${encodeURIComponent(ISSUER)}`), t.ctx);
}

function idp(sub: () => string, extra: Record<string, Route> = {}) {
  const current = { nonce: '' };
  const revoked: string[] = [];
  const net = fakeFetch({
    [TOKEN]: async () =>
      tokenJson({ access: `at-${sub()}`, refresh: `rt-${sub()}`, idToken: await signIdToken(keys, { sub: sub(), nonce: current.nonce }) }),
    [REVOKE]: (_req, body) => {
      revoked.push(new URLSearchParams(body).get('token') ?? '');
      return new Response(null, { status: 200 });
    },
    ...extra,
  });
  return { net, current, revoked };
}

test('finding 2: /login from another site changes nothing: the live session stays until a new sign-in succeeds', async () => {
  const { net } = idp(() => 'alice');
  const t = makeCtx(net.fetch, keys);
  t.ctx.session.started(testTokens(t.clock.now, { refreshToken: 'rt-alice' }));
  await handleLogin(navigation(`${APP}/login?returnTo=/`), t.ctx);
  assert.equal(t.ctx.session.snapshot().status, 'signed-in');
  assert.equal(t.ctx.session.tokens()?.refreshToken, 'rt-alice');
});

test('finding 2: a new sign-in for another user replaces the session and revokes the old refresh token; the same user is not revoked', async () => {
  let who = 'bob';
  const { net, current, revoked } = idp(() => who);
  const t = makeCtx(net.fetch, keys);
  t.ctx.session.started(testTokens(t.clock.now, { refreshToken: 'rt-alice-old', profile: { sub: 'alice' } }));
  await signIn(t, current);
  assert.equal(t.ctx.session.user()?.sub, 'bob');
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(revoked, ['rt-alice-old']);
  // Bob again (same grant at the IdP: revoking would end the new session too).
  who = 'bob';
  await signIn(t, current);
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(revoked, ['rt-alice-old']);
});

test('finding 1: a silent recovery that completes after sign-out does not sign the user back in; its refresh token is revoked', async () => {
  const { net, current, revoked } = idp(() => 'alice');
  const t = makeCtx(net.fetch, keys);
  await t.hint.set({ user: { sub: 'alice' }, needsInteraction: false });
  await t.ctx.recovery.maybeStart(true);
  const login = await handleLogin(navigation(`${APP}/login?mode=silent`), t.ctx);
  const authorize = new URL(login.headers.get('Location')!);
  current.nonce = authorize.searchParams.get('nonce')!;
  assert.equal(authorize.searchParams.get('prompt'), 'none');
  t.ctx.session.signedOut('signed-out');
  const s = encodeURIComponent(authorize.searchParams.get('state')!);
  await handleCallback(navigation(`${APP}/callback?code=c1&state=${s}&iss=${encodeURIComponent(ISSUER)}`), t.ctx);
  assert.deepEqual(t.ctx.session.snapshot(), { status: 'signed-out', reason: 'signed-out' });
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(revoked, ['rt-alice']);
});

test('issue 9 item 7: prompt=none carries id_token_hint when the SW still holds an ID token', async () => {
  const { net } = idp(() => 'alice');
  const t = makeCtx(net.fetch, keys);
  t.ctx.recovery.needed(testTokens(t.clock.now, { idToken: 'the-id-token', accessTokenExpiresAt: t.clock.now - 1 }));
  const login = await handleLogin(navigation(`${APP}/login?mode=silent`), t.ctx);
  assert.equal(new URL(login.headers.get('Location')!).searchParams.get('id_token_hint'), 'the-id-token');
});

test('finding 3: page requests to a token endpoint that discovery puts on another origin are refused', async () => {
  const other = 'http://localhost:4444';
  const net = fakeFetch({ [`${other}/oauth/token`]: () => new Response('{}') });
  const moved = { ...DISCOVERY, token_endpoint: `${other}/oauth/token`, introspection_endpoint: `${other}/introspect` };
  const t = makeCtx(async (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    return url.endsWith('/.well-known/openid-configuration') ? Response.json(moved) : net.fetch(input, init);
  }, keys);
  for (const url of [`${other}/oauth/token`, `${other}/introspect?x`, `${other}/OAUTH/token/`]) {
    const res = await handleCrossOrigin(new Request(url, { method: 'POST', body: 'grant_type=refresh_token' }), t.ctx);
    assert.equal(res.status, 403, url);
    assert.equal(((await res.json()) as { code: string }).code, 'idp_request_refused');
  }
  assert.equal(net.calls.filter((c) => c.url.startsWith(other)).length, 0);
});

test('finding 4: an expires_in of 30 days arms no timer that fires at once: 0 refreshes in the next minute', () => {
  mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_800_000_000_000 });
  const session = new Session(() => Date.now());
  let refreshes = 0;
  const refresher = {
    refresh: () => {
      refreshes++;
      return Promise.resolve('refreshed' as const);
    },
  };
  session.onChange(refreshAhead(refresher, () => Date.now()));
  const t = tokensFrom(
    { access_token: 'a', token_type: 'Bearer', expires_in: 2_592_000, refresh_token: 'r' },
    { now: Date.now(), profile: { sub: 'alice' }, requestedScope: 'openid' },
  );
  session.started(t);
  for (let s = 0; s < 60; s++) mock.timers.tick(1_000);
  assert.equal(refreshes, 0);
  // ...and it still fires when due, in clamped steps.
  mock.timers.tick(2_592_000_000);
  assert.equal(refreshes, 1);
});

test('finding 6: N calls to an endpoint that always answers 401 invalid_token cost one refresh', async () => {
  const always401: Route = () => new Response(null, { status: 401, headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } });
  const net = fakeFetch({ [`${API}/always-401`]: always401, [TOKEN]: () => tokenJson({ access: `at-${Math.random()}`, refresh: 'rt-next' }) });
  const t = makeCtx(net.fetch, keys);
  t.ctx.session.started(testTokens(t.clock.now, { refreshToken: 'rt-1' }));
  for (let i = 0; i < 10; i++) {
    const res = await handleApi(new Request(`${API}/always-401`), t.ctx);
    assert.equal(res.status, 401);
  }
  assert.equal(net.callsTo(TOKEN).length, 1);
});

test('finding 5: a bearer request never follows a redirect; the page gets a coded refusal (or the redirect, if it asked for it)', async () => {
  const opaque = () => Object.defineProperty(new Response(null), 'type', { value: 'opaqueredirect' });
  const seen: RequestRedirect[] = [];
  const t = makeCtx(async (input, init) => {
    const req = new Request(input, init);
    if (req.url.startsWith(API)) {
      seen.push(req.redirect);
      return opaque();
    }
    return fakeFetch({}).fetch(input, init);
  }, keys);
  t.ctx.session.started(testTokens(t.clock.now));
  const followed = await handleApi(new Request(`${API}/r`), t.ctx);
  assert.equal(followed.status, 502);
  assert.equal(((await followed.json()) as { code: string }).code, 'api_redirect_refused');
  const manual = await handleApi(new Request(`${API}/r`, { redirect: 'manual' }), t.ctx);
  assert.equal(manual.type, 'opaqueredirect');
  assert.deepEqual(seen, ['manual', 'manual']);
});

test('finding 8: headers of a correct deployment pass; a missing or weak CSP, or no COOP, is named', () => {
  assert.deepEqual(deploymentProblems(new Headers(APP_DOCUMENT_HEADERS)), []);
  assert.deepEqual(deploymentProblems(new Headers({ 'Content-Type': 'text/html' })), ['csp-missing', 'coop-missing']);
  const weak = new Headers({ ...APP_DOCUMENT_HEADERS, 'Content-Security-Policy': "script-src 'self' 'unsafe-inline'; frame-ancestors *" });
  assert.deepEqual(deploymentProblems(weak), ['csp-script-src', 'csp-trusted-types', 'csp-frame-ancestors']);
});

test('finding 8: served without its headers, the app refuses to start a sign-in (insecure_deployment)', async () => {
  const net = fakeFetch({ [`${APP}/`]: () => new Response('<!doctype html>', { headers: { 'Content-Type': 'text/html' } }) });
  const t = makeCtx(net.fetch, keys);
  const res = await handleLogin(navigation(`${APP}/login?returnTo=/`), t.ctx);
  assert.equal(new URL(res.headers.get('Location')!).searchParams.get('auth_error'), 'insecure_deployment');
  assert.equal(net.calls.filter((c) => c.url.startsWith(ISSUER)).length, 0, 'nothing sent to the IdP');
});

test('finding 8: an error page in front of the app (a 502 while it restarts) is not taken for the deployment, nor remembered', async () => {
  let down = true;
  const net = fakeFetch({
    [`${APP}/`]: () => (down ? new Response('Bad Gateway', { status: 502 }) : new Response('<!doctype html>', { headers: APP_DOCUMENT_HEADERS })),
  });
  const t = makeCtx(net.fetch, keys);
  const during = await handleLogin(navigation(`${APP}/login?returnTo=/`), t.ctx);
  assert.notEqual(new URL(during.headers.get('Location')!).searchParams.get('auth_error'), 'insecure_deployment');
  down = false;
  const after = await handleLogin(navigation(`${APP}/login?returnTo=/`), t.ctx);
  assert.equal(new URL(after.headers.get('Location')!).origin, ISSUER, 'signs in once the app answers');
});
