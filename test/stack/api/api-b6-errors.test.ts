/**
 * B6: RFC 6750 error responses over real HTTP (no credentials, bad tokens, a token sent two ways, routes).
 * Split from api-http.test.ts by requirement (issue 11).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunningApi } from './server.ts';
import { bearer, errorBody, parseChallenge, post, raw, useApiFixture, type ErrorBody } from './test-helpers.ts';

let api: RunningApi;
let alice: string;
let bob: string;
useApiFixture((f) => ({ api, alice, bob } = f));

/** RFC 6750 §3.1 (no error code) plus RFC 9449 §7.2: both schemes offered, DPoP with its algorithms. */
const NO_CREDENTIALS_CHALLENGE = 'Bearer realm="todos", DPoP realm="todos", algs="ES256 ES384 RS256 PS256 EdDSA Ed25519"';

describe('B6: RFC 6750 error responses', () => {
  it('B6: no credentials → 401 with `WWW-Authenticate: Bearer realm="todos"` (and the DPoP offer, B7) and no error', async () => {
    const res = await fetch(`${api.origin}/todos`);
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('www-authenticate'), NO_CREDENTIALS_CHALLENGE);
    assert.equal((await errorBody(res)).error, 'missing_credentials');
  });

  it('B6: another scheme only (Basic) counts as no Bearer credentials → 401 without error', async () => {
    const res = await fetch(`${api.origin}/todos`, { headers: { Authorization: 'Basic YWxpY2U6cHc=' } });
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('www-authenticate'), NO_CREDENTIALS_CHALLENGE);
  });

  const cases: Array<{ name: string; headers: () => Record<string, string>; status: number; error: string }> = [
    { name: 'garbage token', headers: () => bearer('not-a-jwt'), status: 401, error: 'invalid_token' },
    { name: 'lower-case scheme with a valid token works', headers: () => ({ Authorization: `bearer ${alice}` }), status: 200, error: '' },
    { name: '"Bearer" without a token', headers: () => ({ Authorization: 'Bearer' }), status: 400, error: 'invalid_request' },
    { name: '"Bearer " with blank token', headers: () => ({ Authorization: 'Bearer    ' }), status: 400, error: 'invalid_request' },
    { name: 'two tokens in one header', headers: () => ({ Authorization: `Bearer ${alice} ${bob}` }), status: 400, error: 'invalid_request' },
    { name: 'token with characters outside b64token', headers: () => ({ Authorization: 'Bearer a"b' }), status: 400, error: 'invalid_request' },
  ];

  for (const c of cases) {
    it(`B6: ${c.name} → ${c.status}${c.error ? ` ${c.error}` : ''}`, async () => {
      const res = await fetch(`${api.origin}/todos`, { headers: c.headers() });
      assert.equal(res.status, c.status);
      if (c.status === 200) return;
      assert.equal(parseChallenge(res.headers.get('www-authenticate'))?.params['error'], c.error);
      assert.equal((await errorBody(res)).error, c.error);
    });
  }

  it('B6: token in the query string only → 400 invalid_request', async () => {
    const res = await fetch(`${api.origin}/todos?access_token=${alice}`);
    assert.equal(res.status, 400);
    assert.equal(parseChallenge(res.headers.get('www-authenticate'))?.params['error'], 'invalid_request');
    assert.equal((await errorBody(res)).error, 'invalid_request');
  });

  it('B6: token sent two ways (header + query) → 400 invalid_request', async () => {
    const res = await fetch(`${api.origin}/todos?access_token=${alice}`, { headers: bearer(alice) });
    assert.equal(res.status, 400);
    assert.equal((await errorBody(res)).error, 'invalid_request');
  });

  it('B6: token sent two ways (header + form body access_token) → 400 invalid_request', async () => {
    const res = await post(api.origin, alice, `access_token=${alice}`, { 'Content-Type': 'application/x-www-form-urlencoded' });
    assert.equal(res.status, 400);
    assert.equal((await errorBody(res)).error, 'invalid_request');
  });

  it('B6: token in a form body only → 400 invalid_request', async () => {
    const res = await fetch(`${api.origin}/todos`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `access_token=${alice}`,
    });
    assert.equal(res.status, 400);
    assert.equal((await errorBody(res)).error, 'invalid_request');
  });

  it('B6: two Authorization headers → 400 invalid_request', async () => {
    const res = await raw(api.origin, 'GET', '/todos', { Authorization: [`Bearer ${alice}`, `Bearer ${bob}`] });
    assert.equal(res.status, 400);
    assert.equal((JSON.parse(res.text) as ErrorBody).error, 'invalid_request');
  });

  it('B6: unknown route → 404 JSON not_found; wrong method → 405 method_not_allowed with Allow', async () => {
    const nf = await fetch(`${api.origin}/nope`, { headers: bearer(alice) });
    assert.equal(nf.status, 404);
    assert.equal((await errorBody(nf)).error, 'not_found');
    const na = await fetch(`${api.origin}/todos`, { method: 'PUT', headers: bearer(alice) });
    assert.equal(na.status, 405);
    assert.equal(na.headers.get('allow'), 'GET, POST');
    assert.equal((await errorBody(na)).error, 'method_not_allowed');
  });

  it('B6: a scheme-relative target (//host/todos) is a path here, not another host → 404', async () => {
    const res = await raw(api.origin, 'GET', '//localhost:1/todos', bearer(alice));
    assert.equal(res.status, 404);
    assert.equal((JSON.parse(res.text) as ErrorBody).error, 'not_found');
  });

  it('B6: GET /health needs no token → 200 {status:"ok"}', async () => {
    const res = await fetch(`${api.origin}/health`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'ok' });
  });
});
