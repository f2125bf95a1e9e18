/**
 * B7 (RFC 9449 §4.3, §7, §9) over real HTTP with real jose-signed proofs: a DPoP-bound token
 * (`cnf.jkt`) works only with the DPoP scheme, one valid proof by its key and a nonce this API
 * issued; every other way is a 401 with the right error. Unbound tokens keep working as Bearer.
 */
import assert from 'node:assert/strict';
import { generateKeyPair } from 'jose';
import { describe, it } from 'node:test';
import { dpopKey, dpopProof, type DpopKey, type ProofParts } from '../dpop-test-keys.ts';
import type { RunningApi } from './server.ts';
import { APP_ORIGIN, bearer, mint, parseChallenge, raw, useApiFixture, type TestIssuer } from './test-helpers.ts';

let iss: TestIssuer;
let api: RunningApi;
let alice: string;
let key: DpopKey;
let bound: string;
let nonce: string;
useApiFixture(async (f) => {
  ({ iss, api, alice } = f);
  key = await dpopKey();
  bound = await mint(iss, api.origin, { claims: { cnf: { jkt: key.jkt } } });
  // The API issues its nonce on the first DPoP call (RFC 9449 §9).
  const first = await call(bound, await proof({ nonce: undefined }));
  assert.equal(first.status, 401);
  nonce = first.headers.get('dpop-nonce') ?? '';
  assert.ok(nonce !== '');
});

/** A proof for GET /todos with `bound`, key and nonce, unless the parts say otherwise. */
function proof(parts: Partial<ProofParts> = {}, withKey: DpopKey = key): Promise<string> {
  return dpopProof(withKey, { htm: 'GET', htu: `${api.origin}/todos`, accessToken: bound, nonce, ...parts });
}

function call(
  token: string,
  dpop: string | undefined,
  init: { method?: string; path?: string; scheme?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  return fetch(`${api.origin}${init.path ?? '/todos'}`, {
    method: init.method ?? 'GET',
    headers: { Authorization: `${init.scheme ?? 'DPoP'} ${token}`, ...(dpop !== undefined ? { DPoP: dpop } : {}), ...init.headers },
  });
}

async function refused(res: Response, error: string): Promise<void> {
  assert.equal(res.status, 401);
  const ch = parseChallenge(res.headers.get('www-authenticate'));
  assert.equal(ch?.params['error'], error, res.headers.get('www-authenticate') ?? '');
  assert.equal(((await res.json()) as { error: string }).error, error);
}

describe('B7: a DPoP-bound token with a valid proof', () => {
  it('B7: without a nonce → 401 use_dpop_nonce with DPoP-Nonce (exposed to the app); with it → 200', async () => {
    const first = await call(bound, await proof({ nonce: undefined }), { headers: { Origin: APP_ORIGIN } });
    await refused(first, 'use_dpop_nonce');
    assert.match(first.headers.get('www-authenticate') ?? '', /^DPoP /);
    assert.ok(first.headers.get('dpop-nonce'));
    assert.match(first.headers.get('access-control-expose-headers') ?? '', /DPoP-Nonce/);
    const ok = await call(bound, await proof({ nonce: first.headers.get('dpop-nonce') ?? '' }));
    assert.equal(ok.status, 200);
  });

  it('B7: a POST with a proof for POST works (201)', async () => {
    const res = await fetch(`${api.origin}/todos`, {
      method: 'POST',
      headers: { Authorization: `DPoP ${bound}`, DPoP: await proof({ htm: 'POST' }), 'Content-Type': 'application/json' },
      body: '{"title":"bound"}',
    });
    assert.equal(res.status, 201);
  });

  it('B7: htu is compared without query and fragment, after RFC 3986 normalisation', async () => {
    const port = new URL(api.origin).port;
    assert.equal((await call(bound, await proof(), { path: '/todos?page=2' })).status, 200, 'query on the request');
    assert.equal((await call(bound, await proof({ htu: `${api.origin}/todos?x=1#f` }))).status, 200, 'query and fragment on htu');
    assert.equal((await call(bound, await proof({ htu: `HTTP://LOCALHOST:${port}/%74odos` }))).status, 200, 'case and %-encoding');
  });
});

describe('B7: refused proofs and tokens', () => {
  it('B7: a replayed proof → 401 invalid_dpop_proof', async () => {
    const p = await proof();
    assert.equal((await call(bound, p)).status, 200);
    await refused(await call(bound, p), 'invalid_dpop_proof');
  });

  for (const [name, htu] of [
    ['another path', () => `${api.origin}/health`],
    ['another port', () => api.origin.replace(/:(\d+)$/, (_m, p: string) => `:${Number(p) + 1}`) + '/todos'],
    ['https instead of http', () => `${api.origin.replace('http:', 'https:')}/todos`],
    ['not a URL', () => 'todos'],
  ] as const) {
    it(`B7: wrong htu (${name}) → 401 invalid_dpop_proof`, async () => {
      await refused(await call(bound, await proof({ htu: htu() })), 'invalid_dpop_proof');
    });
  }

  it('B7: wrong htm → 401 invalid_dpop_proof', async () => {
    await refused(await call(bound, await proof({ htm: 'POST' })), 'invalid_dpop_proof');
    await refused(await call(bound, await proof({ htm: 'get' })), 'invalid_dpop_proof');
  });

  it("B7: another token's ath, or no ath → 401 invalid_dpop_proof", async () => {
    await refused(await call(bound, await proof({ accessToken: alice })), 'invalid_dpop_proof');
    await refused(await call(bound, await proof({ claims: { ath: undefined } })), 'invalid_dpop_proof');
  });

  it('B7: a proof signed by another key than its jwk → 401 invalid_dpop_proof', async () => {
    const other = await generateKeyPair('ES256');
    await refused(await call(bound, await proof({ signWith: other.privateKey })), 'invalid_dpop_proof');
  });

  it('B7: a valid proof by another key (thumbprint ≠ cnf.jkt) → 401 invalid_token', async () => {
    await refused(await call(bound, await proof({}, await dpopKey())), 'invalid_token');
  });

  it('B7: the bound token sent as Bearer → 401 invalid_token, also with a valid proof beside it and after a cached success', async () => {
    assert.equal((await call(bound, await proof())).status, 200, 'the token is in the verified-token cache now');
    const res = await call(bound, undefined, { scheme: 'Bearer' });
    await refused(res, 'invalid_token');
    assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer .*, DPoP realm="todos", algs="/);
    await refused(await call(bound, await proof(), { scheme: 'Bearer' }), 'invalid_token');
  });

  it('B7: no nonce after one was issued, or a forged one → 401 use_dpop_nonce with a fresh DPoP-Nonce', async () => {
    for (const n of [undefined, 'forged.nonce', `${nonce}x`]) {
      const res = await call(bound, await proof({ nonce: n }));
      await refused(res, 'use_dpop_nonce');
      assert.ok(res.headers.get('dpop-nonce'));
    }
  });

  const malformed: Array<[string, Partial<ProofParts> | (() => Partial<ProofParts>)]> = [
    ['typ JWT', { header: { typ: 'JWT' } }],
    ['no typ', { header: { typ: undefined } }],
    ['HS256 with a shared secret', { header: { alg: 'HS256' }, signWith: new TextEncoder().encode('x'.repeat(32)) }],
    ['a private jwk (with d)', () => ({ header: { jwk: { ...key.publicJwk, d: 'AAAA' } } })],
    ['no jwk', { header: { jwk: undefined } }],
    ['no jti', { claims: { jti: undefined } }],
    ['iat two minutes old', { claims: { iat: Math.floor(Date.now() / 1000) - 120 } }],
    ['iat a minute in the future', { claims: { iat: Math.floor(Date.now() / 1000) + 60 } }],
  ];
  for (const [name, parts] of malformed) {
    it(`B7: a proof with ${name} → 401 invalid_dpop_proof`, async () => {
      const p = typeof parts === 'function' ? parts() : parts;
      await refused(await call(bound, await proof(p)), 'invalid_dpop_proof');
    });
  }

  it('B7: the DPoP scheme without a DPoP header, or with two → 401 invalid_dpop_proof', async () => {
    await refused(await call(bound, undefined), 'invalid_dpop_proof');
    const two = await raw(api.origin, 'GET', '/todos', { Authorization: `DPoP ${bound}`, DPoP: [await proof(), await proof()] });
    assert.equal(two.status, 401);
    assert.equal((JSON.parse(two.text) as { error: string }).error, 'invalid_dpop_proof');
  });

  it('B7: a proof that is not a JWT at all → 401 invalid_dpop_proof', async () => {
    await refused(await call(bound, 'not.a.jwt'), 'invalid_dpop_proof');
  });
});

describe('B7: unbound tokens', () => {
  it('B7: an unbound token keeps working as Bearer (a stray DPoP header changes nothing)', async () => {
    assert.equal((await fetch(`${api.origin}/todos`, { headers: bearer(alice) })).status, 200);
    assert.equal((await fetch(`${api.origin}/todos`, { headers: { ...bearer(alice), DPoP: await proof() } })).status, 200);
  });

  it('B7: an unbound token sent with the DPoP scheme → 401 invalid_token in a DPoP challenge', async () => {
    const res = await call(alice, await proof({ accessToken: alice }));
    await refused(res, 'invalid_token');
    assert.match(res.headers.get('www-authenticate') ?? '', /^DPoP realm="todos", error="invalid_token"/);
  });

  it('B7: a token bound to something this API cannot check (cnf without jkt) → 401 invalid_token', async () => {
    const mtls = await mint(iss, api.origin, { claims: { cnf: { 'x5t#S256': 'abc' } } });
    await refused(await fetch(`${api.origin}/todos`, { headers: bearer(mtls) }), 'invalid_token');
  });
});
