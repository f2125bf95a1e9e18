/**
 * Issue 9 item 8: the IdP keeps sessions and grants in a data file, so a restart signs nobody
 * out. Black-box over HTTP: sign in, stop the IdP, start it again on the same port with the same
 * file, then use the session cookie and the refresh tokens issued before the restart (C3, C4).
 */
import assert from 'node:assert/strict';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import { freePort } from '../free-port.ts';
import { codeFromCallback, exchangeCode, refresh, signIn, silentAuthorize, type TokenSet } from '../flow.ts';
import { useTeardown } from '../teardown.ts';
import { createMemoryAdapterFactory } from './memory-adapter.ts';
import { openFileAdapter } from './file-adapter.ts';
import { DEMO_USERS, IdpError, startIdp, type IdpOptions, type RunningIdp } from './server.ts';

const alice = DEMO_USERS[0]!;
let dir: string;
let base: IdpOptions;

const teardown = useTeardown();
before(async () => {
  dir = await teardown.tempDir('idp-store-');
  const [idpPort, appPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  base = {
    port: idpPort,
    appOrigin: `http://localhost:${appPort}`,
    apiOrigin: `http://localhost:${apiPort}`,
    keysDir: join(dir, 'keys'),
    dataFile: join(dir, 'data', 'idp-store.json'),
  };
});

async function tokenBody(res: Response): Promise<TokenSet & { error?: string }> {
  return (await res.json()) as TokenSet & { error?: string };
}

describe('issue 9 item 8: sessions and grants survive an IdP restart', () => {
  test('C3/C4 after a restart: prompt=none with the session cookie returns a code, the refresh token works, reuse detection holds', async () => {
    let idp: RunningIdp = await startIdp(base);
    const { tokens, cookies } = await signIn({ issuer: idp.issuer, appOrigin: base.appOrigin, username: alice.username, password: alice.password });
    const rt1 = tokens.refresh_token!;
    const rotated = await refresh(idp.issuer, rt1, base.appOrigin);
    assert.equal(rotated.status, 200);
    const rt2 = (await tokenBody(rotated)).refresh_token!;
    await idp.close();

    idp = await startIdp(base);
    try {
      const { req, landing } = await silentAuthorize(idp.issuer, base.appOrigin, cookies);
      const code = codeFromCallback(landing, req, idp.issuer);
      const silent = await exchangeCode(idp.issuer, base.appOrigin, code, req.pkce.verifier);
      assert.equal(decodeJwt(silent.access_token).sub, alice.sub);

      const after = await refresh(idp.issuer, rt2, base.appOrigin);
      assert.equal(after.status, 200, 'the refresh token issued before the restart works');
      const rt3 = (await tokenBody(after)).refresh_token!;
      assert.ok(rt3 !== rt2);

      // C4: RT1 was consumed before the restart and stays consumed; replaying it kills the family.
      const replay = await refresh(idp.issuer, rt1, base.appOrigin);
      assert.equal(replay.status, 400);
      assert.equal((await tokenBody(replay)).error, 'invalid_grant');
      const dead = await refresh(idp.issuer, rt3, base.appOrigin);
      assert.equal((await tokenBody(dead)).error, 'invalid_grant');
    } finally {
      await idp.close();
    }
  });

  test('the data file is written atomically (0600, no temp file left) and holds no expired record', async () => {
    const idp = await startIdp(base);
    await signIn({ issuer: idp.issuer, appOrigin: base.appOrigin, username: alice.username, password: alice.password });
    await idp.close();
    const file = base.dataFile!;
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.deepEqual(
      (await readdir(join(dir, 'data'))).filter((n) => n.endsWith('.tmp')),
      [],
    );
    const saved = JSON.parse(await readFile(file, 'utf8')) as { version: number; records: Array<{ key: string; expiresAt: number | null }> };
    assert.equal(saved.version, 1);
    const models = new Set(saved.records.map((r) => r.key.split(':')[0]));
    for (const m of ['Session', 'Grant', 'RefreshToken']) assert.ok(models.has(m), m);
    assert.ok(saved.records.every((r) => r.expiresAt === null || r.expiresAt > Date.now() - 5_000));
  });

  test('an unreadable data file stops the start with IDP_DATA_FILE_INVALID naming IDP_DATA_FILE, and is left as it was', async () => {
    const file = join(dir, 'broken.json');
    await writeFile(file, '{"version": 1, "records": "nope"}');
    await assert.rejects(
      startIdp({ ...base, port: await freePort(), dataFile: file }),
      (e: unknown) => e instanceof IdpError && e.code === 'IDP_DATA_FILE_INVALID' && /IDP_DATA_FILE/.test(e.message),
    );
    assert.equal(await readFile(file, 'utf8'), '{"version": 1, "records": "nope"}');
  });
});

describe('the adapter store', () => {
  test('a change resolves only once it is in the file; expired records are dropped at load', async () => {
    const file = join(dir, 'unit', 'store.json');
    let now = 1_700_000_000_000;
    const store = await openFileAdapter(file, { now: () => now });
    const sessions = store.factory('Session');
    await sessions.upsert('s1', { uid: 'u1', accountId: 'alice' }, 60);
    await sessions.upsert('s2', { uid: 'u2', accountId: 'bob' }, 3600);
    const saved = JSON.parse(await readFile(file, 'utf8')) as { records: Array<{ key: string }> };
    assert.deepEqual(saved.records.map((r) => r.key).sort(), ['Session:s1', 'Session:s2']);
    await store.close();

    now += 61_000;
    const reopened = await openFileAdapter(file, { now: () => now });
    const again = reopened.factory('Session');
    assert.equal(await again.find('s1'), undefined);
    assert.equal((await again.findByUid('u2'))?.['accountId'], 'bob');
    await reopened.close();
  });

  test('consume and revokeByGrantId are persisted too', async () => {
    const file = join(dir, 'unit', 'grants.json');
    const store = await openFileAdapter(file);
    const rts = store.factory('RefreshToken');
    await rts.upsert('rt1', { grantId: 'g1' }, 600);
    await rts.upsert('rt2', { grantId: 'g2' }, 600);
    await rts.consume('rt1');
    await rts.revokeByGrantId('g2');
    await store.close();
    const reopened = (await openFileAdapter(file)).factory('RefreshToken');
    assert.equal(typeof (await reopened.find('rt1'))?.consumed, 'number');
    assert.equal(await reopened.find('rt2'), undefined);
  });

  test('bounded: past maxEntries the records closest to expiry go first', async () => {
    const factory = createMemoryAdapterFactory({ maxEntries: 10 });
    const codes = factory('AuthorizationCode');
    for (let i = 0; i < 11; i++) await codes.upsert(`c${i}`, {}, 100 + i);
    assert.equal(await codes.find('c0'), undefined, 'the soonest to expire was evicted');
    assert.ok((await codes.find('c10')) !== undefined);
    let live = 0;
    for (let i = 0; i < 11; i++) if ((await codes.find(`c${i}`)) !== undefined) live += 1;
    assert.ok(live <= 10);
  });
});
