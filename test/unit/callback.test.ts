import { test } from 'node:test';
import assert from 'node:assert/strict';
import { handleCallback } from '../../sw/handlers/callback.ts';
import { handleLogin } from '../../sw/handlers/login.ts';
import { parseStateParam } from '../../sw/signin-state.ts';
import { APP, CONFIG, ISSUER, fakeFetch, makeCtx, makeKeys, navigation, signIdToken, tokenJson } from './fake-idp.ts';

const keys = await makeKeys();
const TOKEN = `${ISSUER}/token`;

async function setup(idTokenClaims: Record<string, unknown> = {}) {
  let nonce = '';
  const net = fakeFetch({
    [TOKEN]: async () => tokenJson({ access: 'at-1', refresh: 'rt-1', idToken: await signIdToken(keys, { nonce, ...idTokenClaims }) }),
  });
  const t = makeCtx(net.fetch, keys);
  // Start a real sign-in through /login so the pending entry is what the SW itself writes.
  const login = await handleLogin(navigation(`${APP}/login?returnTo=/todos%3Ffilter%3Dopen`), t.ctx);
  const authorize = new URL(login.headers.get('Location')!);
  const state = authorize.searchParams.get('state')!;
  nonce = authorize.searchParams.get('nonce')!;
  return { net, t, state, authorize };
}

/** The SW restarted (memory gone) and page script rewrote its IndexedDB entry meanwhile. */
function restartWithTampered(s: Awaited<ReturnType<typeof setup>>, change: (entry: Record<string, unknown>) => Record<string, unknown>) {
  const key = parseStateParam(s.state).id;
  const stored = JSON.parse(s.t.pending.entries.get(key) as string) as Record<string, unknown>;
  s.t.pending.entries.set(key, JSON.stringify(change(stored)));
  return makeCtx(s.net.fetch, keys, s.t.clock.now, s.t.pending);
}

function storedEntry(t: ReturnType<typeof makeCtx>, state: string): { data: { returnTo: string } } {
  return JSON.parse(t.pending.entries.get(parseStateParam(state).id) as string) as { data: { returnTo: string } };
}

function location(res: Response): string {
  assert.equal(res.status, 302);
  const l = res.headers.get('Location')!;
  assert.ok(l.endsWith('#'), `Location must end with #: ${l}`);
  return l;
}

test('A1: /login sends S256 PKCE, state, nonce, query mode, config scopes; Location ends with #', async () => {
  const { authorize } = await setup();
  const q = authorize.searchParams;
  assert.equal(authorize.origin + authorize.pathname, `${ISSUER}/auth`);
  assert.equal(q.get('response_type'), 'code');
  assert.equal(q.get('response_mode'), 'query');
  assert.equal(q.get('code_challenge_method'), 'S256');
  assert.match(q.get('code_challenge')!, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(q.get('scope'), CONFIG.scope);
  assert.equal(q.get('redirect_uri'), CONFIG.redirectUri);
  assert.equal(q.get('prompt'), null);
  assert.ok(authorize.href.endsWith('#'));
});

test('A1: two logins send different challenges', async () => {
  const a = await setup();
  const b = await setup();
  assert.notEqual(a.authorize.searchParams.get('code_challenge'), b.authorize.searchParams.get('code_challenge'));
});

test('A2: /login?returnTo=https://evil.example stays on the origin', async () => {
  const { t, net } = await setup();
  const res = await handleLogin(navigation(`${APP}/login?returnTo=https://evil.example`), t.ctx);
  const state = new URL(res.headers.get('Location')!).searchParams.get('state')!;
  assert.equal(storedEntry(t, state).data.returnTo, '/');
  assert.equal(net.callsTo(TOKEN).length, 0);
});

test('A2: a good callback exchanges the code once and redirects to returnTo#', async () => {
  const { net, t, state } = await setup();
  const res = await handleCallback(navigation(`${APP}/callback?code=c1&state=${state}&iss=${encodeURIComponent(ISSUER)}`), t.ctx);
  assert.equal(location(res), `${APP}/todos?filter=open#`);
  assert.equal(net.callsTo(TOKEN).length, 1);
  const body = new URLSearchParams(net.callsTo(TOKEN)[0]!.body);
  assert.equal(body.get('grant_type'), 'authorization_code');
  assert.equal(body.get('redirect_uri'), CONFIG.redirectUri);
  // RFC 7636 §4.1: 43-128 unreserved characters; the library's is 96 hex digits (366 random bits).
  assert.match(body.get('code_verifier')!, /^[A-Za-z0-9\-._~]{43,128}$/);
  assert.equal(t.ctx.session.snapshot().status, 'signed-in');
  assert.equal(t.hint.value?.user.sub, 'alice');
});

test('A2: a replayed state makes no second token request', async () => {
  const { net, t, state } = await setup();
  const q = `?code=c1&state=${state}&iss=${encodeURIComponent(ISSUER)}`;
  await handleCallback(navigation(`${APP}/callback${q}`), t.ctx);
  const res = await handleCallback(navigation(`${APP}/callback${q}`), t.ctx);
  assert.equal(location(res), `${APP}/?auth_error=state_mismatch#`);
  assert.equal(net.callsTo(TOKEN).length, 1);
});

test('A2: a forged state -> state_mismatch, no token request', async () => {
  const { net, t } = await setup();
  const res = await handleCallback(navigation(`${APP}/callback?code=c1&state=forged-state-value&iss=${encodeURIComponent(ISSUER)}`), t.ctx);
  assert.equal(location(res), `${APP}/?auth_error=state_mismatch#`);
  assert.equal(net.callsTo(TOKEN).length, 0);
});

for (const [label, change] of [
  ['a foreign redirect URI', (e: Record<string, unknown>) => ({ ...e, redirect_uri: 'https://evil.example/cb' })],
  ['another client', (e: Record<string, unknown>) => ({ ...e, client_id: 'evil-client' })],
  ['its own verifier', (e: Record<string, unknown>) => ({ ...e, code_verifier: 'a'.repeat(64) })],
  ['an added extraTokenParams', (e: Record<string, unknown>) => ({ ...e, extraTokenParams: { redirect_uri: 'https://evil.example/cb' } })],
  ['a poisoned returnTo', (e: Record<string, unknown>) => ({ ...e, data: { ...(e['data'] as object), returnTo: '/elsewhere' } })],
] as const) {
  test(`A2: an entry rewritten with ${label}, then a SW restart -> state_mismatch, no token request`, async () => {
    const s = await setup();
    const restarted = restartWithTampered(s, change);
    const res = await handleCallback(
      navigation(`${APP}/callback?code=c1&state=${encodeURIComponent(s.state)}&iss=${encodeURIComponent(ISSUER)}`),
      restarted.ctx,
    );
    assert.equal(location(res), `${APP}/?auth_error=state_mismatch#`);
    assert.equal(s.net.callsTo(TOKEN).length, 0);
    assert.equal(restarted.ctx.session.tokens(), undefined);
  });
}

test('A2: an untouched entry survives a SW restart and signs in', async () => {
  const s = await setup();
  const restarted = restartWithTampered(s, (e) => e);
  const res = await handleCallback(
    navigation(`${APP}/callback?code=c1&state=${encodeURIComponent(s.state)}&iss=${encodeURIComponent(ISSUER)}`),
    restarted.ctx,
  );
  assert.equal(location(res), `${APP}/todos?filter=open#`);
  assert.equal(s.net.callsTo(TOKEN).length, 1);
  assert.equal(restarted.ctx.session.snapshot().status, 'signed-in');
});

test('A2: a state without its commitment is refused even with an untouched entry', async () => {
  const s = await setup();
  const res = await handleCallback(
    navigation(`${APP}/callback?code=c1&state=${parseStateParam(s.state).id}&iss=${encodeURIComponent(ISSUER)}`),
    s.t.ctx,
  );
  assert.equal(location(res), `${APP}/?auth_error=state_mismatch#`);
  assert.equal(s.net.callsTo(TOKEN).length, 0);
});

test('A3: iss of another server -> issuer_mismatch, no token request', async () => {
  const { net, t, state } = await setup();
  const res = await handleCallback(navigation(`${APP}/callback?code=c1&state=${state}&iss=${encodeURIComponent('http://localhost:4999')}`), t.ctx);
  assert.equal(location(res), `${APP}/?auth_error=issuer_mismatch#`);
  assert.equal(net.callsTo(TOKEN).length, 0);
});

test('A3: missing iss while discovery advertises it -> issuer_mismatch, no token request', async () => {
  const { net, t, state } = await setup();
  const res = await handleCallback(navigation(`${APP}/callback?code=c1&state=${state}`), t.ctx);
  assert.equal(location(res), `${APP}/?auth_error=issuer_mismatch#`);
  assert.equal(net.callsTo(TOKEN).length, 0);
});

test('A2: a fragment-mode response (empty query) -> bad_callback', async () => {
  const { net, t } = await setup();
  const res = await handleCallback(navigation(`${APP}/callback#code=c1&state=s`), t.ctx);
  assert.equal(location(res), `${APP}/?auth_error=bad_callback#`);
  assert.equal(net.callsTo(TOKEN).length, 0);
});

test('A2: a POST (form_post) callback -> bad_callback', async () => {
  const { net, t, state } = await setup();
  const res = await handleCallback(navigation(`${APP}/callback`, { method: 'POST', body: new URLSearchParams({ code: 'c1', state }) }), t.ctx);
  assert.equal(location(res), `${APP}/?auth_error=bad_callback#`);
  assert.equal(net.callsTo(TOKEN).length, 0);
});

test('A2: duplicated parameters -> bad_callback', async () => {
  const { net, t, state } = await setup();
  const res = await handleCallback(navigation(`${APP}/callback?code=a&code=b&state=${state}`), t.ctx);
  assert.equal(location(res), `${APP}/?auth_error=bad_callback#`);
  assert.equal(net.callsTo(TOKEN).length, 0);
});

test('A2: an IdP error is mapped to the fixed table (access_denied)', async () => {
  const { t, state } = await setup();
  const res = await handleCallback(navigation(`${APP}/callback?error=access_denied&state=${state}&iss=${encodeURIComponent(ISSUER)}`), t.ctx);
  assert.equal(location(res), `${APP}/?auth_error=access_denied#`);
});

test('A4: an ID token with a wrong nonce -> id_token_invalid and no session', async () => {
  const { t, state } = await setup({ nonce: 'not-the-one' });
  const res = await handleCallback(navigation(`${APP}/callback?code=c1&state=${state}&iss=${encodeURIComponent(ISSUER)}`), t.ctx);
  assert.equal(location(res), `${APP}/?auth_error=id_token_invalid#`);
  assert.equal(t.ctx.session.tokens(), undefined);
});

test('A4: an ID token for another audience -> id_token_invalid', async () => {
  const { t, state } = await setup({ aud: 'someone-else' });
  const res = await handleCallback(navigation(`${APP}/callback?code=c1&state=${state}&iss=${encodeURIComponent(ISSUER)}`), t.ctx);
  assert.equal(location(res), `${APP}/?auth_error=id_token_invalid#`);
});
