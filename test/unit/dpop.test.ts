/** A11 (RFC 9449): the SW's key, its proofs, and the nonce retries, without a browser. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { EmbeddedJWK, calculateJwkThumbprint, decodeProtectedHeader, jwtVerify } from 'jose';
import { createDpopKey, dpopProof } from '../../sw/dpop.ts';
import { handleApi } from '../../sw/handlers/api.ts';
import { API, ISSUER, fakeFetch, makeCtx, makeKeys, testTokens, tokenJson } from './fake-idp.ts';

const keys = await makeKeys();
const TOKEN = `${ISSUER}/token`;

test('A11: the key pair is ES256, its private half cannot be exported, and only public members are published', async () => {
  const key = await createDpopKey();
  assert.equal(key.privateKey.extractable, false);
  assert.deepEqual(Object.keys(key.publicJwk).sort(), ['crv', 'kty', 'x', 'y']);
  assert.equal(key.jkt, await calculateJwkThumbprint(key.publicJwk));
  await assert.rejects(crypto.subtle.exportKey('jwk', key.privateKey));
});

test('A11: a proof has typ dpop+jwt, the key in its header, htm, htu without query or fragment, iat, a unique jti, ath and the nonce', async () => {
  const key = await createDpopKey();
  const p = (nonce?: string) => dpopProof(key, { method: 'post', url: `${API}/todos?x=1#f`, accessToken: 'the-access-token', nonce });
  const [a, b] = [await p('n-1'), await p()];
  assert.equal(decodeProtectedHeader(a).typ, 'dpop+jwt');
  const { payload } = await jwtVerify(a, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: ['ES256'] });
  assert.equal(payload['htm'], 'POST');
  assert.equal(payload['htu'], `${API}/todos`);
  assert.equal(payload['ath'], createHash('sha256').update('the-access-token').digest('base64url'));
  assert.equal(payload['nonce'], 'n-1');
  assert.equal(typeof payload.iat, 'number');
  const { payload: other } = await jwtVerify(b, EmbeddedJWK);
  assert.notEqual(payload.jti, other.jti);
  assert.equal(other['nonce'], undefined);
});

test('A11: API calls go as DPoP with a proof; use_dpop_nonce is answered once with the nonce, which is kept for the next call', async () => {
  const seen: { auth: string | null; nonce: unknown }[] = [];
  const net = fakeFetch({
    [`${API}/todos`]: async (req) => {
      const proof = req.headers.get('DPoP');
      const nonce = proof ? (await jwtVerify(proof, EmbeddedJWK)).payload['nonce'] : undefined;
      seen.push({ auth: req.headers.get('Authorization'), nonce });
      if (nonce !== 'api-nonce') {
        return new Response(null, { status: 401, headers: { 'WWW-Authenticate': 'DPoP error="use_dpop_nonce"', 'DPoP-Nonce': 'api-nonce' } });
      }
      return Response.json([]);
    },
  });
  const t = makeCtx(net.fetch, keys);
  t.ctx.session.started(testTokens(t.clock.now, { accessToken: 'at-bound', dpopKey: await createDpopKey() }));
  assert.equal((await handleApi(new Request(`${API}/todos`), t.ctx)).status, 200);
  assert.equal((await handleApi(new Request(`${API}/todos`), t.ctx)).status, 200);
  assert.deepEqual(seen, [
    { auth: 'DPoP at-bound', nonce: undefined },
    { auth: 'DPoP at-bound', nonce: 'api-nonce' },
    { auth: 'DPoP at-bound', nonce: 'api-nonce' },
  ]);
});

test('A11: a refresh answered use_dpop_nonce is sent once more with the nonce (the IdP did not use the token)', async () => {
  const nonces: unknown[] = [];
  const net = fakeFetch({
    [TOKEN]: async (req) => {
      const { payload } = await jwtVerify(req.headers.get('DPoP') ?? '', EmbeddedJWK);
      nonces.push(payload['nonce']);
      if (payload['nonce'] !== 'idp-nonce') {
        return Response.json({ error: 'use_dpop_nonce' }, { status: 400, headers: { 'DPoP-Nonce': 'idp-nonce' } });
      }
      return Response.json({ access_token: 'at-new', token_type: 'DPoP', expires_in: 300, refresh_token: 'rt-2' });
    },
  });
  const t = makeCtx(net.fetch, keys);
  const dpopKey = await createDpopKey();
  t.ctx.session.started(testTokens(t.clock.now, { accessTokenExpiresAt: t.clock.now - 1, refreshToken: 'rt-1', dpopKey }));
  assert.equal(await t.ctx.refresher.refresh(), 'refreshed');
  assert.deepEqual(nonces, [undefined, 'idp-nonce']);
  assert.equal(t.ctx.session.tokens()?.dpopKey, dpopKey, 'the refreshed tokens stay bound to the same key');
});

test('A11: invalid_grant stays invalid_grant when the answer also carries a DPoP-Nonce', async () => {
  const net = fakeFetch({ [TOKEN]: () => Response.json({ error: 'invalid_grant' }, { status: 400, headers: { 'DPoP-Nonce': 'n' } }) });
  const t = makeCtx(net.fetch, keys);
  t.ctx.session.started(testTokens(t.clock.now, { accessTokenExpiresAt: t.clock.now - 1, refreshToken: 'rt-1', dpopKey: await createDpopKey() }));
  assert.equal(await t.ctx.refresher.refresh(), 'session-expired');
  assert.equal(net.callsTo(TOKEN).length, 1);
});

test('A11: an IdP without DPoP answers Bearer: the tokens are then used as Bearer, not bound', async () => {
  const net = fakeFetch({
    [TOKEN]: () => tokenJson({ access: 'at-plain', refresh: 'rt-2' }),
    [`${API}/todos`]: (req) => Response.json({ auth: req.headers.get('Authorization') }),
  });
  const t = makeCtx(net.fetch, keys);
  t.ctx.session.started(testTokens(t.clock.now, { accessTokenExpiresAt: t.clock.now - 1, refreshToken: 'rt-1', dpopKey: await createDpopKey() }));
  assert.equal(await t.ctx.refresher.refresh(), 'refreshed');
  assert.equal(t.ctx.session.tokens()?.dpopKey, undefined);
  assert.deepEqual(await (await handleApi(new Request(`${API}/todos`), t.ctx)).json(), { auth: 'Bearer at-plain' });
});
