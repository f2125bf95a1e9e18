/**
 * How each way a code exchange can fail inside oidc-client-ts 3.5.0 maps onto our `auth_error`
 * codes (sw/oidc.ts `signinErrorCode`): the real library against a fake token endpoint, so a
 * library upgrade that changes its errors fails here, not in front of a user.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { handleCallback } from '../../sw/handlers/callback.ts';
import { handleLogin } from '../../sw/handlers/login.ts';
import { APP, ISSUER, fakeFetch, makeCtx, makeKeys, navigation, signIdToken, tokenJson, type Route } from './fake-idp.ts';

const keys = await makeKeys();
const TOKEN = `${ISSUER}/token`;

/** Signs in through /login, then answers the callback's token request with `answer(nonce)`. */
async function callbackWith(answer: (nonce: string) => Route, query = (state: string) => `code=c1&state=${state}&iss=${encodeURIComponent(ISSUER)}`) {
  let nonce = '';
  const net = fakeFetch({ [TOKEN]: (req, body) => answer(nonce)(req, body) });
  const t = makeCtx(net.fetch, keys);
  const login = await handleLogin(navigation(`${APP}/login?returnTo=/`), t.ctx);
  const authorize = new URL(login.headers.get('Location')!);
  nonce = authorize.searchParams.get('nonce')!;
  const state = encodeURIComponent(authorize.searchParams.get('state')!);
  const res = await handleCallback(navigation(`${APP}/callback?${query(state)}`), t.ctx);
  return { code: new URL(res.headers.get('Location')!).searchParams.get('auth_error'), tokenRequests: net.callsTo(TOKEN).length, t };
}

const idToken = (claims: Record<string, unknown>) => (nonce: string) => async () =>
  tokenJson({ idToken: await signIdToken(keys, { nonce, ...claims }) });

for (const [label, answer, code] of [
  ['the IdP refuses the code (invalid_grant)', () => () => Response.json({ error: 'invalid_grant' }, { status: 400 }), 'token_exchange_failed'],
  [
    'a 500 with an HTML page',
    () => () => new Response('<h1>oops</h1>', { status: 500, headers: { 'Content-Type': 'text/html' } }),
    'token_exchange_failed',
  ],
  ['a 200 that is not JSON', () => () => new Response('not json', { headers: { 'Content-Type': 'application/json' } }), 'token_exchange_failed'],
  [
    'a 200 without an access token',
    (nonce: string) => async () => Response.json({ token_type: 'Bearer', id_token: await signIdToken(keys, { nonce }) }),
    'token_exchange_failed',
  ],
  [
    'a token type we do not speak',
    (nonce: string) => async () => Response.json({ access_token: 'a', token_type: 'MAC', id_token: await signIdToken(keys, { nonce }) }),
    'token_exchange_failed',
  ],
  // The library decodes the ID token before anything else is looked at.
  ['a 200 with neither token', () => () => Response.json({ token_type: 'Bearer' }), 'id_token_invalid'],
  ['a network failure', () => () => Promise.reject(new TypeError('Failed to fetch')), 'idp_unreachable'],
  ['an ID token that is not a JWT', () => () => tokenJson({ idToken: 'not-a-jwt' }), 'id_token_invalid'],
  ['an ID token without sub', idToken({ sub: undefined }), 'id_token_invalid'],
  [
    'an ID token with another nonce',
    () => async () => tokenJson({ idToken: await signIdToken(keys, { nonce: 'another-nonce' }) }),
    'id_token_invalid',
  ],
  ['an ID token from another issuer', idToken({ iss: 'https://evil.example' }), 'id_token_invalid'],
  ['an expired ID token', idToken({ exp: Math.floor(Date.now() / 1000) - 3600 }), 'id_token_invalid'],
  ['no ID token at all', () => () => tokenJson({}), 'id_token_invalid'],
] as const) {
  test(`A4: ${label} -> ${code}, and no session`, async () => {
    const r = await callbackWith(answer);
    assert.equal(r.code, code);
    assert.equal(r.tokenRequests, 1);
    assert.equal(r.t.ctx.session.tokens(), undefined);
  });
}

for (const [error, code] of [
  ['access_denied', 'access_denied'],
  ['login_required', 'login_required'],
  ['consent_required', 'interaction_required'],
  ['temporarily_unavailable', 'idp_error'],
] as const) {
  test(`A2: an authorization error ${error} -> ${code}, with no token request`, async () => {
    const r = await callbackWith(
      () => () => tokenJson({}),
      (state) => `error=${error}&state=${state}&iss=${encodeURIComponent(ISSUER)}`,
    );
    assert.equal(r.code, code);
    assert.equal(r.tokenRequests, 0);
  });
}
