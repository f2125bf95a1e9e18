/**
 * B1-B5 with forged and hand-made tokens against a local issuer (discovery + JWKS with our own
 * key). Real IdP tokens are in api-real-idp.test.ts.
 */
import assert from 'node:assert/strict';
import { exportJWK, generateKeyPair } from 'jose';
import { before, describe, it } from 'node:test';
import { freePort } from '../free-port.ts';
import { useTeardown } from '../teardown.ts';
import { startApi, type RunningApi } from './server.ts';
import {
  bearer,
  JSON_HEADERS,
  mint,
  parseChallenge,
  publicKeyPem,
  startRecordingServer,
  startTestIssuer,
  unsecuredJwt,
  type MintOptions,
  type TestIssuer,
} from './test-helpers.ts';

let iss: TestIssuer;
let api: RunningApi;

const teardown = useTeardown();
before(async () => {
  iss = teardown.add(await startTestIssuer());
  api = teardown.add(await startApi({ port: await freePort(), issuer: iss.issuer, appOrigin: 'http://localhost:5173' }));
});

const now = (): number => Math.floor(Date.now() / 1000);
const token = (opts: MintOptions = {}): Promise<string> => mint(iss, api.origin, opts);

async function getTodos(t: string): Promise<Response> {
  return fetch(`${api.origin}/todos`, { headers: bearer(t) });
}

/** Asserts a 401 `invalid_token` with the RFC 6750 challenge and a JSON body. */
async function assertInvalidToken(res: Response): Promise<void> {
  assert.equal(res.status, 401);
  const ch = parseChallenge(res.headers.get('www-authenticate'));
  assert.equal(ch?.scheme, 'Bearer');
  assert.equal(ch.params['realm'], 'todos');
  assert.equal(ch.params['error'], 'invalid_token');
  const body = (await res.json()) as { error: string; error_description: string };
  assert.equal(body.error, 'invalid_token');
  assert.equal(typeof body.error_description, 'string');
}

describe('valid tokens (the baseline every negative test departs from)', () => {
  it('B3: a well-formed token from the issuer → 200', async () => {
    const res = await getTodos(await token());
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), []);
  });

  it('B3: exp just inside the clock tolerance (2 s ago, leeway 5 s) → 200', async () => {
    const res = await getTodos(await token({ claims: { exp: now() - 2, iat: now() - 60 } }));
    assert.equal(res.status, 200);
  });
});

describe('B1: typ', () => {
  it('B1: typ "application/at+jwt" is accepted', async () => {
    assert.equal((await getTodos(await token({ header: { typ: 'application/at+jwt' } }))).status, 200);
  });
  it('B1: typ "JWT" (e.g. an ID token) → 401 invalid_token', async () => {
    await assertInvalidToken(await getTodos(await token({ header: { typ: 'JWT' } })));
  });
  it('B1: no typ → 401 invalid_token', async () => {
    await assertInvalidToken(await getTodos(await token({ header: { typ: undefined } })));
  });
  it('B1: an ID-token-shaped token (aud = client, nonce, no typ at+jwt) → 401 invalid_token', async () => {
    const idToken = await token({ header: { typ: 'JWT' }, claims: { aud: 'todo-spa', nonce: 'n' } });
    await assertInvalidToken(await getTodos(idToken));
  });
});

describe('B2: algorithms and keys', () => {
  it('B2: alg none → 401 invalid_token', async () => {
    const t = unsecuredJwt(
      { typ: 'at+jwt', kid: iss.kid },
      { iss: iss.issuer, sub: 'alice-sub', aud: api.origin, iat: now(), exp: now() + 300, scope: 'todos:read' },
    );
    await assertInvalidToken(await getTodos(t));
  });

  it('B2: HS256 signed with the public key (PEM) as the secret → 401 invalid_token', async () => {
    const secret = new TextEncoder().encode(await publicKeyPem(iss));
    await assertInvalidToken(await getTodos(await token({ header: { alg: 'HS256' }, key: secret })));
  });

  it('B2: unknown kid (another key) → 401 invalid_token', async () => {
    const other = await generateKeyPair('ES256');
    await assertInvalidToken(await getTodos(await token({ header: { kid: 'unknown-kid' }, key: other.privateKey })));
  });

  it('B2: the issuer kid but another key → 401 invalid_token', async () => {
    const other = await generateKeyPair('ES256');
    await assertInvalidToken(await getTodos(await token({ key: other.privateKey })));
  });

  it('B2: jku / x5u / jwk headers pointing at an attacker are ignored: 401 and no outbound fetch', async () => {
    const attacker = await startRecordingServer();
    try {
      const evil = await generateKeyPair('ES256', { extractable: true });
      const evilJwk = await exportJWK(evil.publicKey);
      for (const header of [
        { jku: `${attacker.url}/jwks.json`, kid: 'attacker-kid' },
        { jku: `${attacker.url}/jwks.json` },
        { x5u: `${attacker.url}/cert.pem`, kid: 'attacker-kid' },
        { jwk: evilJwk },
      ]) {
        await assertInvalidToken(await getTodos(await token({ header, key: evil.privateKey })));
      }
      assert.equal(attacker.count(), 0, 'the API fetched something from the attacker URL');
    } finally {
      await attacker.close();
    }
  });
});

describe('B3: issuer, time and required claims', () => {
  it('B3: another issuer → 401 invalid_token', async () => {
    await assertInvalidToken(await getTodos(await token({ claims: { iss: 'http://localhost:1/other' } })));
  });
  it('B3: issuer with a trailing slash (not exact) → 401 invalid_token', async () => {
    await assertInvalidToken(await getTodos(await token({ claims: { iss: `${iss.issuer}/` } })));
  });
  it('B3: expired beyond the skew (60 s ago) → 401 invalid_token', async () => {
    await assertInvalidToken(await getTodos(await token({ claims: { exp: now() - 60, iat: now() - 360 } })));
  });
  it('B3: nbf in the future → 401 invalid_token', async () => {
    await assertInvalidToken(await getTodos(await token({ claims: { nbf: now() + 60 } })));
  });
  it('B3: iat in the future → 401 invalid_token', async () => {
    await assertInvalidToken(await getTodos(await token({ claims: { iat: now() + 60, exp: now() + 600 } })));
  });
  for (const claim of ['sub', 'exp', 'iat', 'iss', 'aud']) {
    it(`B3: missing ${claim} → 401 invalid_token`, async () => {
      await assertInvalidToken(await getTodos(await token({ omit: [claim] })));
    });
  }
  it('B3: empty sub → 401 invalid_token', async () => {
    await assertInvalidToken(await getTodos(await token({ claims: { sub: '' } })));
  });
  it('B3: a tampered payload (signature no longer matches) → 401 invalid_token', async () => {
    const [h, , s] = (await token()).split('.');
    const payload = Buffer.from(JSON.stringify({ iss: iss.issuer, sub: 'bob-sub', aud: api.origin, iat: now(), exp: now() + 300 })).toString(
      'base64url',
    );
    await assertInvalidToken(await getTodos(`${h}.${payload}.${s}`));
  });
});

describe('B4: audience', () => {
  it('B4: a token for another resource → 401 invalid_token', async () => {
    await assertInvalidToken(await getTodos(await token({ claims: { aud: 'http://localhost:4999' } })));
  });
  it('B4: aud array without this API → 401 invalid_token', async () => {
    await assertInvalidToken(await getTodos(await token({ claims: { aud: ['http://localhost:4999', 'todo-spa'] } })));
  });
  it('B4: aud array containing this API → 200', async () => {
    assert.equal((await getTodos(await token({ claims: { aud: ['http://localhost:4999', api.origin] } }))).status, 200);
  });
});

describe('B5: scope per route', () => {
  it('B5: read-only token: GET 200, POST → 403 insufficient_scope scope="todos:write"', async () => {
    const t = await token({ claims: { scope: 'openid todos:read' } });
    assert.equal((await getTodos(t)).status, 200);
    const res = await fetch(`${api.origin}/todos`, {
      method: 'POST',
      headers: { ...bearer(t), ...JSON_HEADERS },
      body: JSON.stringify({ title: 'x' }),
    });
    assert.equal(res.status, 403);
    const ch = parseChallenge(res.headers.get('www-authenticate'));
    assert.equal(ch?.params['error'], 'insufficient_scope');
    assert.equal(ch.params['scope'], 'todos:write');
    assert.equal(((await res.json()) as { error: string }).error, 'insufficient_scope');
  });

  it('B5: write-only token on GET → 403 insufficient_scope scope="todos:read"', async () => {
    const res = await getTodos(await token({ claims: { scope: 'todos:write' } }));
    assert.equal(res.status, 403);
    assert.equal(parseChallenge(res.headers.get('www-authenticate'))?.params['scope'], 'todos:read');
  });

  it('B5: a scope that merely contains the name (todos:readonly) does not count → 403', async () => {
    assert.equal((await getTodos(await token({ claims: { scope: 'todos:readonly' } }))).status, 403);
  });

  it('B5: read-only token on PATCH and DELETE → 403', async () => {
    const t = await token({ claims: { scope: 'todos:read' } });
    const id = crypto.randomUUID();
    const patch = await fetch(`${api.origin}/todos/${id}`, {
      method: 'PATCH',
      headers: { ...bearer(t), ...JSON_HEADERS },
      body: '{"completed":true}',
    });
    assert.equal(patch.status, 403);
    const del = await fetch(`${api.origin}/todos/${id}`, { method: 'DELETE', headers: bearer(t) });
    assert.equal(del.status, 403);
  });
});

describe('IdP reachability', () => {
  it('B3: an unreachable IdP gives 503 temporarily_unavailable; discovery is retried once it is up', async () => {
    const idpPort = await freePort();
    const lateApi = await startApi({
      port: await freePort(),
      issuer: `http://localhost:${idpPort}`,
      appOrigin: 'http://localhost:5173',
    });
    let late: TestIssuer | undefined;
    try {
      const down = await fetch(`${lateApi.origin}/todos`, { headers: bearer('abc.def.ghi') });
      assert.equal(down.status, 503);
      assert.equal(((await down.json()) as { error: string }).error, 'temporarily_unavailable');
      late = await startTestIssuer({ port: idpPort });
      const t = await mint(late, lateApi.origin);
      const up = await fetch(`${lateApi.origin}/todos`, { headers: bearer(t) });
      assert.equal(up.status, 200);
    } finally {
      await lateApi.close();
      await late?.close();
    }
  });
});
