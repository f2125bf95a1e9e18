/** C5: JWT access tokens for the API (typ at+jwt, ES256, aud, lifetime) and the opaque format. Split from idp.test.ts by requirement (issue 11). */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { refresh, signIn, type TokenSet } from '../flow.ts';
import { API_CLIENT } from './server.ts';
import { ACCESS_TOKEN_TTL, alice, startStack, stopStack, basic, introspect, useStack } from './test-helpers.ts';

const s = useStack();

describe('C5: JWT access tokens for the API (resource indicators)', () => {
  let tokens: TokenSet;
  let jwks: JSONWebKeySet;
  before(async () => {
    ({ tokens } = await signIn({ issuer: s.issuer, appOrigin: s.appOrigin, username: alice.username, password: alice.password }));
    jwks = (await (await fetch(`${s.issuer}/jwks`)).json()) as JSONWebKeySet;
  });

  test('C5: header is typ at+jwt, ES256, with a kid from the JWKS', () => {
    const h = decodeProtectedHeader(tokens.access_token);
    assert.equal(h.typ, 'at+jwt');
    assert.equal(h.alg, 'ES256');
    assert.ok(jwks.keys.some((k) => k.kid === h.kid));
    assert.ok(
      jwks.keys.every((k) => k.d === undefined),
      'JWKS has no private parts',
    );
  });

  test('C5: claims: iss, aud = the API, sub, client_id, scope, short configured lifetime', async () => {
    const { payload } = await jwtVerify(tokens.access_token, createLocalJWKSet(jwks), {
      issuer: s.issuer,
      audience: s.apiOrigin,
      typ: 'at+jwt',
      algorithms: ['ES256'],
    });
    assert.equal(payload.aud, s.apiOrigin);
    assert.equal(payload.sub, alice.sub);
    assert.equal(payload['client_id'], 'todo-spa');
    assert.deepEqual(String(payload['scope']).split(' ').sort(), ['todos:read', 'todos:write']);
    assert.equal(payload.exp! - payload.iat!, ACCESS_TOKEN_TTL);
    assert.equal(tokens.expires_in <= ACCESS_TOKEN_TTL, true);
    assert.ok(payload.jti);
  });

  test('C5: a refreshed access token is the same kind of JWT for the API', async () => {
    const r = await refresh(s.issuer, tokens.refresh_token!, s.appOrigin);
    const t = (await r.json()) as TokenSet;
    const { payload, protectedHeader } = await jwtVerify(t.access_token, createLocalJWKSet(jwks), {
      issuer: s.issuer,
      audience: s.apiOrigin,
      typ: 'at+jwt',
    });
    assert.equal(protectedHeader.alg, 'ES256');
    assert.match(String(payload['scope']), /todos:read/);
  });

  test('C5: the ID token is for the SPA, signed with an asymmetric key', async () => {
    const { payload, protectedHeader } = await jwtVerify(tokens.id_token!, createLocalJWKSet(jwks), {
      issuer: s.issuer,
      audience: 'todo-spa',
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
      const body = (await res.json()) as Record<string, unknown>;
      assert.equal(body['active'], true);
      assert.equal(body['aud'], o.apiOrigin);
      assert.equal(body['sub'], alice.sub);
      assert.match(String(body['scope']), /todos:write/);
    } finally {
      await stopStack(o);
    }
  });
});
