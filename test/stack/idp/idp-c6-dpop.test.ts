/**
 * C6 against the real oidc-provider with `dpop: true` (env IDP_DPOP=1): DPoP required for the SPA,
 * access and refresh tokens bound to the proof key, nonces on; and B7 end to end: the Todo API
 * takes the bound tokens with proofs only (JWT and introspection modes).
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import { startApi, type RunningApi } from '../api/server.ts';
import { dpopKey, dpopProof, type DpopKey } from '../dpop-test-keys.ts';
import {
  authorizeRequest,
  codeFromCallback,
  CookieJar,
  redirectUriFor,
  refresh,
  startAuthorization,
  submitLogin,
  tokenRequest,
  type TokenSet,
} from '../flow.ts';
import { freePort } from '../free-port.ts';
import { useTeardown } from '../teardown.ts';
import { alice } from './test-helpers.ts';
import { IdpError, idpOptionsFromEnv, startIdp, type RunningIdp } from './server.ts';

interface Side {
  idp: RunningIdp;
  api: RunningApi;
}
let keysDir: string;
let appOrigin: string;
let jwt: Side;
let opaque: Side;
/** The IdP's last DPoP nonce (RFC 9449 §8), kept as a client would. */
const idpNonce = new Map<string, string>();

const teardown = useTeardown();

async function side(format: 'jwt' | 'opaque'): Promise<Side> {
  const apiPort = await freePort();
  const apiOrigin = `http://localhost:${apiPort}`;
  const idp = teardown.add(await startIdp({ port: await freePort(), appOrigin, apiOrigin, keysDir, dpop: true, accessTokenFormat: format }));
  const api = teardown.add(await startApi({ port: apiPort, issuer: idp.issuer, appOrigin, validation: format === 'jwt' ? 'jwt' : 'introspection' }));
  return { idp, api };
}

before(async () => {
  keysDir = await teardown.tempDir('idp-keys-');
  appOrigin = `http://localhost:${await freePort()}`;
  jwt = await side('jwt');
  opaque = await side('opaque');
});

/** Signs alice in up to the authorization code. */
async function codeFor(idp: RunningIdp, params: Record<string, string> = {}): Promise<{ code: string; verifier: string }> {
  const jar = new CookieJar();
  const req = authorizeRequest(idp.issuer, appOrigin, params);
  const landing = await submitLogin(await startAuthorization(req.url, jar), jar, alice.username, alice.password);
  return { code: codeFromCallback(landing, req, idp.issuer), verifier: req.pkce.verifier };
}

/** A token request with a fresh proof by `key`, retried once on `use_dpop_nonce` as a client must. */
async function withProof(idp: RunningIdp, key: DpopKey | undefined, send: (headers: Record<string, string>) => Promise<Response>): Promise<Response> {
  const attempt = async (): Promise<Response> => {
    if (key === undefined) return send({});
    const nonce = idpNonce.get(idp.issuer);
    return send({ DPoP: await dpopProof(key, { htm: 'POST', htu: `${idp.issuer}/token`, ...(nonce !== undefined ? { nonce } : {}) }) });
  };
  let res = await attempt();
  const fresh = res.headers.get('dpop-nonce');
  if (fresh !== null) idpNonce.set(idp.issuer, fresh);
  if (res.status === 400 && fresh !== null && ((await res.clone().json()) as { error?: string }).error === 'use_dpop_nonce') res = await attempt();
  return res;
}

function exchange(idp: RunningIdp, key: DpopKey | undefined, c: { code: string; verifier: string }): Promise<Response> {
  const body = { grant_type: 'authorization_code', code: c.code, redirect_uri: redirectUriFor(appOrigin), code_verifier: c.verifier };
  return withProof(idp, key, (headers) => tokenRequest(idp.issuer, body, appOrigin, headers));
}

async function tokens(res: Response): Promise<TokenSet & { error?: string }> {
  return (await res.json()) as TokenSet & { error?: string };
}

describe('C6: DPoP at the IdP', () => {
  test('C6: discovery advertises DPoP proof algorithms', async () => {
    const d = (await (await fetch(`${jwt.idp.issuer}/.well-known/openid-configuration`)).json()) as { dpop_signing_alg_values_supported?: string[] };
    assert.ok(d.dpop_signing_alg_values_supported?.includes('ES256'));
  });

  test('C6: a token request without a nonce → 400 use_dpop_nonce with DPoP-Nonce, readable by the app (CORS)', async () => {
    const key = await dpopKey();
    const proof = await dpopProof(key, { htm: 'POST', htu: `${jwt.idp.issuer}/token` });
    const res = await tokenRequest(jwt.idp.issuer, { grant_type: 'refresh_token', refresh_token: 'x' }, appOrigin, { DPoP: proof });
    assert.equal(res.status, 400);
    assert.equal((await tokens(res)).error, 'use_dpop_nonce');
    assert.ok(res.headers.get('dpop-nonce'));
    assert.equal(res.headers.get('access-control-allow-origin'), appOrigin);
    assert.match(res.headers.get('access-control-expose-headers') ?? '', /DPoP-Nonce/i);
  });

  test('C6: the code exchange with a proof gives token_type DPoP and an access token bound to the key (cnf.jkt)', async () => {
    const key = await dpopKey();
    const res = await exchange(jwt.idp, key, await codeFor(jwt.idp));
    assert.equal(res.status, 200);
    const t = await tokens(res);
    assert.equal(t.token_type, 'DPoP');
    assert.deepEqual(decodeJwt(t.access_token)['cnf'], { jkt: key.jkt });
  });

  test('C6: DPoP is required for the SPA: a code exchange without a proof is refused', async () => {
    const res = await exchange(jwt.idp, undefined, await codeFor(jwt.idp));
    assert.equal(res.status, 400);
    assert.equal((await tokens(res)).access_token, undefined);
  });

  test('C6: a refresh with the same key works (DPoP again); with another key or none it is refused', async () => {
    const key = await dpopKey();
    const first = await tokens(await exchange(jwt.idp, key, await codeFor(jwt.idp)));
    const rt = first.refresh_token!;
    const other = await withProof(jwt.idp, await dpopKey(), (h) => refresh(jwt.idp.issuer, rt, appOrigin, h));
    assert.equal(other.status, 400);
    assert.equal((await tokens(other)).error, 'invalid_grant');
    const none = await withProof(jwt.idp, undefined, (h) => refresh(jwt.idp.issuer, rt, appOrigin, h));
    assert.equal(none.status, 400);
    const same = await withProof(jwt.idp, key, (h) => refresh(jwt.idp.issuer, rt, appOrigin, h));
    assert.equal(same.status, 200, 'refused attempts did not consume the refresh token');
    const t = await tokens(same);
    assert.equal(t.token_type, 'DPoP');
    assert.deepEqual(decodeJwt(t.access_token)['cnf'], { jkt: key.jkt });
  });

  test('C6: dpop_jkt on the authorization request binds the code: another key cannot redeem it', async () => {
    const key = await dpopKey();
    const c = await codeFor(jwt.idp, { dpop_jkt: key.jkt });
    const res = await exchange(jwt.idp, await dpopKey(), c);
    assert.equal(res.status, 400);
    assert.equal((await tokens(res)).error, 'invalid_grant');
  });

  test('IDP_DPOP=1 sets the option; anything but 1/0/true/false is IDP_BAD_ENV', () => {
    assert.equal(idpOptionsFromEnv({ IDP_DPOP: '1' }).dpop, true);
    assert.equal(idpOptionsFromEnv({}).dpop, undefined);
    assert.throws(
      () => idpOptionsFromEnv({ IDP_DPOP: 'on' }),
      (e: unknown) => e instanceof IdpError && e.code === 'IDP_BAD_ENV',
    );
  });
});

describe('B7 with the real IdP: bound tokens at the Todo API', () => {
  for (const mode of ['jwt', 'opaque'] as const) {
    test(`B7 (${mode === 'jwt' ? 'JWT' : 'opaque + introspection'}): the bound access token works with a proof, not as Bearer`, async () => {
      const s = mode === 'jwt' ? jwt : opaque;
      const key = await dpopKey();
      const { access_token } = await tokens(await exchange(s.idp, key, await codeFor(s.idp)));
      const get = async (nonce?: string, scheme = 'DPoP'): Promise<Response> =>
        fetch(`${s.api.origin}/todos`, {
          headers: {
            Authorization: `${scheme} ${access_token}`,
            DPoP: await dpopProof(key, {
              htm: 'GET',
              htu: `${s.api.origin}/todos`,
              accessToken: access_token,
              ...(nonce !== undefined ? { nonce } : {}),
            }),
          },
        });
      const first = await get();
      assert.equal(first.status, 401);
      const nonce = first.headers.get('dpop-nonce') ?? '';
      assert.equal((await get(nonce)).status, 200);
      const asBearer = await get(nonce, 'Bearer');
      assert.equal(asBearer.status, 401);
      assert.equal(((await asBearer.json()) as { error: string }).error, 'invalid_token');
    });
  }
});
