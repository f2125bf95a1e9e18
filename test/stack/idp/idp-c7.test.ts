/** C7: CORS only for the app origin, only on the token and revocation endpoints. Split from idp.test.ts by requirement (issue 11). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { authorizeRequest, refresh, signIn } from '../flow.ts';
import { alice, useStack } from './test-helpers.ts';

const s = useStack();

describe('C7: CORS only for the app origin, only where the SPA needs it', () => {
  const preflight = (path: string, origin: string, method = 'POST') =>
    fetch(`${s.issuer}${path}`, {
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
    const body = (await res.json()) as Record<string, unknown>;
    assert.equal(body['access_token'], undefined);
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
