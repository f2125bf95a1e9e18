/**
 * Issue 10 item 3: the Todo API trusts any OpenID provider. Its issuer may have a path; discovery
 * is at `<issuer>/.well-known/openid-configuration` (OIDC Discovery §4, terminating `/` removed)
 * and the issuer is compared exactly (§4.3, and B3 for every token's `iss`). Issuer, audience and
 * introspection credentials come from env, with errors that name the variable.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { freePort } from '../free-port.ts';
import { apiOptionsFromEnv, startApi, type ApiOptions, type RunningApi } from './server.ts';
import { API_MAIN } from './spawn-api.ts';
import { bearer, errorBody, mint, startTestIssuer, type TestIssuer } from './test-helpers.ts';

const closers: Array<() => Promise<void>> = [];
after(async () => {
  for (const close of closers.reverse()) await close();
});

async function issuerAndApi(
  issuerOpts: Parameters<typeof startTestIssuer>[0],
  apiOpts: Partial<ApiOptions> = {},
): Promise<{ iss: TestIssuer; api: RunningApi }> {
  const iss = await startTestIssuer(issuerOpts);
  closers.push(() => iss.close());
  const api = await startApi({ port: await freePort(), issuer: iss.issuer, appOrigin: 'http://localhost:5173', ...apiOpts });
  closers.push(() => api.close());
  return { iss, api };
}

const get = (api: RunningApi, token: string): Promise<Response> => fetch(`${api.origin}/todos`, { headers: bearer(token) });

describe('B3: an issuer with a path (issue 10 item 3)', () => {
  it('B3: issuer http://localhost:P/api/oidc: discovery and JWKS under the path, its tokens → 200', async () => {
    const { iss, api } = await issuerAndApi({ path: '/api/oidc' });
    assert.match(iss.issuer, /\/api\/oidc$/);
    assert.equal((await get(api, await mint(iss, api.origin))).status, 200);
    assert.equal(iss.hits.get('/api/oidc/.well-known/openid-configuration'), 1);
    assert.equal(iss.hits.get('/api/oidc/jwks'), 1);
    assert.equal(iss.hits.get('/.well-known/openid-configuration'), undefined, 'not the host root');
  });

  it('B3: a token whose iss drops the path, or adds a trailing slash → 401 invalid_token', async () => {
    const { iss, api } = await issuerAndApi({ path: '/api/oidc' });
    for (const other of [`http://localhost:${iss.port}`, `${iss.issuer}/`, `http://localhost:${iss.port}/api`]) {
      const res = await get(api, await mint(iss, api.origin, { claims: { iss: other } }));
      assert.equal(res.status, 401, other);
      assert.equal((await errorBody(res)).error, 'invalid_token');
    }
  });

  it('B3: an issuer with a trailing slash (as Auth0 states it): discovery at /.well-known, iss compared with the slash', async () => {
    const { iss, api } = await issuerAndApi({ path: '/' });
    assert.match(iss.issuer, /\/$/);
    assert.equal((await get(api, await mint(iss, api.origin))).status, 200);
    assert.equal(iss.hits.get('/.well-known/openid-configuration'), 1);
    const noSlash = await get(api, await mint(iss, api.origin, { claims: { iss: iss.issuer.slice(0, -1) } }));
    assert.equal(noSlash.status, 401);
  });

  it('B3: discovery that states another issuer than the configured one is refused: 503, never trusted', async () => {
    const port = await freePort();
    const { iss, api } = await issuerAndApi({ port, path: '/api/oidc', advertisedIssuer: `http://localhost:${port}/api` });
    const res = await get(api, await mint(iss, api.origin));
    assert.equal(res.status, 503);
    assert.equal((await errorBody(res)).error, 'temporarily_unavailable');
  });
});

describe('B4: the audience from configuration', () => {
  it('B4: audience urn:example:todo-api: tokens for it → 200; tokens for the API origin → 401', async () => {
    const { iss, api } = await issuerAndApi({}, { audience: 'urn:example:todo-api' });
    assert.equal((await get(api, await mint(iss, 'urn:example:todo-api'))).status, 200);
    assert.equal((await get(api, await mint(iss, api.origin))).status, 401);
  });
});

describe('API settings from the environment', () => {
  it('API_ISSUER, API_AUDIENCE, API_CLIENT_ID, API_CLIENT_SECRET, TOKEN_VALIDATION map to the options', () => {
    assert.deepEqual(
      apiOptionsFromEnv({
        API_ISSUER: 'https://idp.example/api/oidc',
        API_AUDIENCE: 'https://todo.example',
        API_CLIENT_ID: 'rs-1',
        API_CLIENT_SECRET: 's3cret',
        TOKEN_VALIDATION: 'introspection',
      }),
      {
        issuer: 'https://idp.example/api/oidc',
        audience: 'https://todo.example',
        introspectionClient: { clientId: 'rs-1', clientSecret: 's3cret' },
        validation: 'introspection',
      },
    );
    assert.deepEqual(apiOptionsFromEnv({}), {
      validation: 'jwt',
      introspectionClient: { clientId: 'todo-api', clientSecret: 'todo-api-secret' },
    });
  });

  for (const bad of ['idp.example', 'http://idp.example', 'https://idp.example/x?tenant=1', 'https://idp.example/#x', 'ftp://localhost']) {
    it(`API_ISSUER="${bad}" is refused with API_BAD_ENV naming API_ISSUER`, () => {
      assert.throws(() => apiOptionsFromEnv({ API_ISSUER: bad }), {
        name: 'ApiConfigError',
        code: 'API_BAD_ENV',
        variable: 'API_ISSUER',
        message: /API_ISSUER/,
      });
    });
  }

  it('main.ts with a bad API_ISSUER exits 1 naming it and --help; --help lists the API variables', async () => {
    const run = (args: string[], env: Record<string, string>) =>
      new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
        const p = spawn(process.execPath, ['--import', 'tsx', API_MAIN, ...args], {
          env: { ...process.env, ...env },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        let err = '';
        p.stdout.on('data', (c: Buffer) => (out += c.toString()));
        p.stderr.on('data', (c: Buffer) => (err += c.toString()));
        p.once('exit', (code) => resolve({ code, out, err }));
      });
    const bad = await run([], { API_ISSUER: 'not a url', API_PORT: String(await freePort()) });
    assert.equal(bad.code, 1);
    assert.match(bad.err, /API_ISSUER must be/);
    assert.match(bad.err, /--help/);
    const help = await run(['--help'], {});
    assert.equal(help.code, 0);
    for (const name of ['API_ISSUER', 'API_AUDIENCE', 'API_CLIENT_ID', 'API_CLIENT_SECRET', 'TOKEN_VALIDATION', 'APP_ORIGIN']) {
      assert.match(help.out, new RegExp(`^  ${name} `, 'm'), name);
    }
  });
});
