/**
 * B6: CORS: the exact app origin only, Authorization and DPoP allowed, the challenge headers exposed.
 * Split from api-http.test.ts by requirement (issue 11).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunningApi } from './server.ts';
import { APP_ORIGIN, bearer, useApiFixture } from './test-helpers.ts';

let api: RunningApi;
let alice: string;
useApiFixture((f) => ({ api, alice } = f));

describe('B6: CORS', () => {
  const preflight = (origin: string): Promise<Response> =>
    fetch(`${api.origin}/todos`, {
      method: 'OPTIONS',
      headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization, content-type, dpop' },
    });

  it('B6: preflight from the app origin: exact origin, methods, Authorization + DPoP + write headers, Max-Age', async () => {
    const res = await preflight(APP_ORIGIN);
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('access-control-allow-origin'), APP_ORIGIN);
    assert.equal(res.headers.get('access-control-allow-methods'), 'GET, POST, PATCH, DELETE');
    assert.equal(res.headers.get('access-control-allow-headers'), 'Authorization, Content-Type, DPoP, Idempotency-Key, If-Match');
    assert.equal(res.headers.get('access-control-max-age'), '600');
    assert.match(res.headers.get('vary') ?? '', /Origin/);
    assert.equal(res.headers.get('access-control-allow-credentials'), null);
  });

  for (const origin of [
    'http://localhost:5174',
    'http://localhost',
    'https://localhost:5173',
    'http://localhost:51730',
    'http://evil.example',
    'null',
  ]) {
    it(`B6: preflight from an unlisted origin (${origin}) gets no CORS headers`, async () => {
      const res = await preflight(origin);
      for (const name of ['allow-origin', 'allow-methods', 'allow-headers', 'max-age', 'expose-headers']) {
        assert.equal(res.headers.get(`access-control-${name}`), null, name);
      }
    });
  }

  it('B6: a 401 for the app origin carries CORS headers and exposes WWW-Authenticate, DPoP-Nonce and ETag', async () => {
    const res = await fetch(`${api.origin}/todos`, { headers: { Origin: APP_ORIGIN } });
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('access-control-allow-origin'), APP_ORIGIN);
    assert.equal(res.headers.get('access-control-expose-headers'), 'WWW-Authenticate, DPoP-Nonce, ETag');
    assert.match(res.headers.get('vary') ?? '', /Origin/);
  });

  it('B6: a successful answer to another origin has no CORS headers', async () => {
    const res = await fetch(`${api.origin}/todos`, { headers: { Origin: 'http://evil.example', ...bearer(alice) } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), null);
    assert.equal(res.headers.get('access-control-expose-headers'), null);
  });
});
