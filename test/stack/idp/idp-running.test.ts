/** Running the IdP: keys reused on restart, a taken port, settings from the environment. Split from idp.test.ts by requirement (issue 11). */
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { JSONWebKeySet } from 'jose';
import { idpOptionsFromEnv, IdpError, startIdp } from './server.ts';
import { startStack, stopStack, useStack } from './test-helpers.ts';

const s = useStack();

describe('running the IdP', () => {
  test('signing keys are generated once and reused on restart', async () => {
    const keysDir = await mkdtemp(join(tmpdir(), 'idp-keys-'));
    const first = await startStack({ keysDir });
    const kids1 = ((await (await fetch(`${first.issuer}/jwks`)).json()) as JSONWebKeySet).keys.map((k) => k.kid);
    await first.idp.close();
    const second = await startStack({ keysDir });
    try {
      const kids2 = ((await (await fetch(`${second.issuer}/jwks`)).json()) as JSONWebKeySet).keys.map((k) => k.kid);
      assert.deepEqual(kids2, kids1);
    } finally {
      await stopStack(second);
    }
  });

  test('a taken port fails with IDP_PORT_IN_USE naming IDP_PORT', async () => {
    await assert.rejects(
      startIdp({ port: s.idp.port, appOrigin: s.appOrigin, apiOrigin: s.apiOrigin, keysDir: s.keysDir }),
      (err: unknown) => err instanceof IdpError && err.code === 'IDP_PORT_IN_USE' && /IDP_PORT/.test(err.message),
    );
  });

  test('lifetimes and format come from the environment', () => {
    assert.deepEqual(idpOptionsFromEnv({}), {});
    assert.deepEqual(idpOptionsFromEnv({ ACCESS_TOKEN_TTL: '30', REFRESH_TOKEN_TTL: '60', SESSION_TTL: '90', ACCESS_TOKEN_FORMAT: 'opaque' }), {
      accessTokenTtl: 30,
      refreshTokenTtl: 60,
      sessionTtl: 90,
      accessTokenFormat: 'opaque',
    });
    assert.throws(
      () => idpOptionsFromEnv({ ACCESS_TOKEN_TTL: 'soon' }),
      (e: unknown) => e instanceof IdpError && e.code === 'IDP_BAD_ENV',
    );
    assert.throws(
      () => idpOptionsFromEnv({ ACCESS_TOKEN_FORMAT: 'paseto' }),
      (e: unknown) => e instanceof IdpError && e.code === 'IDP_BAD_ENV',
    );
  });
});
