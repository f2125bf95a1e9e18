/**
 * B1, B4, B5, B8, B9 with real tokens: the local oidc-provider signs users in through a real code
 * flow driven over HTTP (test/stack/flow.ts), and the API validates what it issues.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../free-port.ts';
import { signIn } from '../flow.ts';
import { useTeardown } from '../teardown.ts';
import { startIdp, type RunningIdp } from '../idp/server.ts';
import { startApi, type RunningApi } from './server.ts';
import { bearer, JSON_HEADERS, parseChallenge } from './test-helpers.ts';

const APP_ORIGIN = 'http://localhost:5173';
let keysDir: string;

const teardown = useTeardown();
before(async () => {
  keysDir = await teardown.tempDir('api-idp-keys-');
});

async function login(idp: RunningIdp, username: 'alice' | 'bob', scope?: string) {
  const { tokens } = await signIn({
    issuer: idp.issuer,
    appOrigin: APP_ORIGIN,
    username,
    password: `${username}-password`,
    ...(scope !== undefined ? { scope } : {}),
  });
  return tokens;
}

function errorCode(res: Response): string | undefined {
  return parseChallenge(res.headers.get('www-authenticate'))?.params['error'];
}

function createTodo(api: RunningApi, token: string, title: string): Promise<Response> {
  return fetch(`${api.origin}/todos`, {
    method: 'POST',
    headers: { ...bearer(token), ...JSON_HEADERS },
    body: JSON.stringify({ title }),
  });
}

describe('JWT access tokens from the real IdP', () => {
  let idp: RunningIdp;
  let api: RunningApi;
  /** A second API instance on another port: another resource as far as `aud` goes. */
  let otherApi: RunningApi;

  const suiteTeardown = useTeardown();
  before(async () => {
    const apiPort = await freePort();
    idp = suiteTeardown.add(await startIdp({ port: await freePort(), appOrigin: APP_ORIGIN, apiOrigin: `http://localhost:${apiPort}`, keysDir }));
    api = suiteTeardown.add(await startApi({ port: apiPort, issuer: idp.issuer, appOrigin: APP_ORIGIN }));
    otherApi = suiteTeardown.add(await startApi({ port: await freePort(), issuer: idp.issuer, appOrigin: APP_ORIGIN }));
  });

  it("B3: alice's real access token works: POST 201, GET lists it", async () => {
    const { access_token } = await login(idp, 'alice');
    const created = await createTodo(api, access_token, 'real token');
    assert.equal(created.status, 201);
    const { id } = (await created.json()) as { id: string };
    const list = (await (await fetch(`${api.origin}/todos`, { headers: bearer(access_token) })).json()) as Array<{ id: string }>;
    assert.ok(list.some((t) => t.id === id));
  });

  it('B1: a real ID token for the same user → 401 invalid_token', async () => {
    const { id_token } = await login(idp, 'alice');
    assert.ok(id_token !== undefined);
    const res = await fetch(`${api.origin}/todos`, { headers: bearer(id_token) });
    assert.equal(res.status, 401);
    assert.equal(errorCode(res), 'invalid_token');
  });

  it('B1: a real refresh token used as a Bearer token → 401 invalid_token', async () => {
    const { refresh_token } = await login(idp, 'alice');
    assert.ok(refresh_token !== undefined);
    const res = await fetch(`${api.origin}/todos`, { headers: bearer(refresh_token) });
    assert.equal(res.status, 401);
    assert.equal(errorCode(res), 'invalid_token');
  });

  it('B4: a real token minted for another resource → 401 invalid_token', async () => {
    const { access_token } = await login(idp, 'alice');
    const res = await fetch(`${otherApi.origin}/todos`, { headers: bearer(access_token) });
    assert.equal(res.status, 401);
    assert.equal(errorCode(res), 'invalid_token');
  });

  it("B5: bob's real read-only token (scope 'openid todos:read'): GET 200, POST → 403 insufficient_scope", async () => {
    const { access_token } = await login(idp, 'bob', 'openid todos:read');
    assert.equal((await fetch(`${api.origin}/todos`, { headers: bearer(access_token) })).status, 200);
    const res = await createTodo(api, access_token, 'not allowed');
    assert.equal(res.status, 403);
    assert.equal(errorCode(res), 'insufficient_scope');
    assert.equal(parseChallenge(res.headers.get('www-authenticate'))?.params['scope'], 'todos:write');
  });

  it("B9: bob's real token cannot read, change or delete alice's todo ids", async () => {
    const alice = (await login(idp, 'alice')).access_token;
    const bob = (await login(idp, 'bob')).access_token;
    const { id } = (await (await createTodo(api, alice, 'alice secret')).json()) as { id: string };

    const bobList = (await (await fetch(`${api.origin}/todos`, { headers: bearer(bob) })).json()) as Array<{ id: string }>;
    assert.ok(!bobList.some((t) => t.id === id), 'bob sees alice todo');
    const patch = await fetch(`${api.origin}/todos/${id}`, {
      method: 'PATCH',
      headers: { ...bearer(bob), ...JSON_HEADERS },
      body: JSON.stringify({ completed: true }),
    });
    assert.equal(patch.status, 404);
    const del = await fetch(`${api.origin}/todos/${id}`, { method: 'DELETE', headers: bearer(bob) });
    assert.equal(del.status, 404);

    const aliceList = (await (await fetch(`${api.origin}/todos`, { headers: bearer(alice) })).json()) as Array<{ id: string; completed: boolean }>;
    assert.equal(aliceList.find((t) => t.id === id)?.completed, false);
  });
});

describe('B8: opaque tokens and introspection', () => {
  const CACHE_MAX_AGE_SEC = 1;
  let idp: RunningIdp;
  let api: RunningApi;
  let otherApi: RunningApi;
  let revocationEndpoint: string;

  const suiteTeardown = useTeardown();
  before(async () => {
    const apiPort = await freePort();
    idp = suiteTeardown.add(
      await startIdp({
        port: await freePort(),
        appOrigin: APP_ORIGIN,
        apiOrigin: `http://localhost:${apiPort}`,
        keysDir,
        accessTokenFormat: 'opaque',
      }),
    );
    const common = {
      issuer: idp.issuer,
      appOrigin: APP_ORIGIN,
      validation: 'introspection',
      introspectionCacheMaxAgeSec: CACHE_MAX_AGE_SEC,
    } as const;
    api = suiteTeardown.add(await startApi({ port: apiPort, ...common }));
    otherApi = suiteTeardown.add(await startApi({ port: await freePort(), ...common }));
    const meta = (await (await fetch(`${idp.issuer}/.well-known/openid-configuration`)).json()) as { revocation_endpoint: string };
    revocationEndpoint = meta.revocation_endpoint;
  });

  it('B8: an opaque token works; after revocation at the IdP, once the cache bound has passed → 401 invalid_token', async () => {
    const { access_token } = await login(idp, 'alice');
    assert.doesNotMatch(access_token, /^ey/, 'expected an opaque token');
    assert.equal((await createTodo(api, access_token, 'opaque')).status, 201);
    assert.equal((await fetch(`${api.origin}/todos`, { headers: bearer(access_token) })).status, 200);

    // RFC 7009: the public SPA client revokes its own token.
    const revoked = await fetch(revocationEndpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: 'todo-spa', token: access_token }).toString(),
    });
    assert.equal(revoked.status, 200);

    // The documented bound: a positive answer is reused at most introspectionCacheMaxAgeSec.
    await sleep(CACHE_MAX_AGE_SEC * 1000 + 500);
    const res = await fetch(`${api.origin}/todos`, { headers: bearer(access_token) });
    assert.equal(res.status, 401);
    assert.equal(errorCode(res), 'invalid_token');
  });

  it('B8: an opaque token the IdP never issued → 401 invalid_token', async () => {
    const res = await fetch(`${api.origin}/todos`, { headers: bearer('Zm9yZ2VkLW9wYXF1ZS10b2tlbi12YWx1ZQ') });
    assert.equal(res.status, 401);
    assert.equal(errorCode(res), 'invalid_token');
  });

  it('B8: an opaque token for another resource (aud) → 401 invalid_token', async () => {
    const { access_token } = await login(idp, 'alice');
    const res = await fetch(`${otherApi.origin}/todos`, { headers: bearer(access_token) });
    assert.equal(res.status, 401);
    assert.equal(errorCode(res), 'invalid_token');
  });

  it("B8: scope is checked from the introspection answer: bob's read-only opaque token on POST → 403", async () => {
    const { access_token } = await login(idp, 'bob', 'openid todos:read');
    assert.equal((await fetch(`${api.origin}/todos`, { headers: bearer(access_token) })).status, 200);
    const res = await createTodo(api, access_token, 'nope');
    assert.equal(res.status, 403);
    assert.equal(errorCode(res), 'insufficient_scope');
  });

  it('B8: with wrong introspection client credentials the API answers 503, not 200 or 401', async () => {
    const misconfigured = await startApi({
      port: await freePort(),
      issuer: idp.issuer,
      appOrigin: APP_ORIGIN,
      validation: 'introspection',
      introspectionClient: { clientId: 'todo-api', clientSecret: 'wrong-secret' },
    });
    try {
      const { access_token } = await login(idp, 'alice');
      const res = await fetch(`${misconfigured.origin}/todos`, { headers: bearer(access_token) });
      assert.equal(res.status, 503);
      assert.equal(((await res.json()) as { error: string }).error, 'temporarily_unavailable');
    } finally {
      await misconfigured.close();
    }
  });
});
