/** C4: refresh-token rotation with reuse detection, bound to the IdP session. Split from idp.test.ts by requirement (issue 11). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { refresh, signIn, type TokenSet } from '../flow.ts';
import { alice, endSession, useStack } from './test-helpers.ts';

const s = useStack();

describe('C4: refresh tokens rotate, with reuse detection, bound to the IdP session', () => {
  test('C4: RT1 gives RT2; replaying RT1 fails and kills RT2', async () => {
    const { tokens } = await signIn({ issuer: s.issuer, appOrigin: s.appOrigin, username: alice.username, password: alice.password });
    const rt1 = tokens.refresh_token!;
    const r2 = await refresh(s.issuer, rt1, s.appOrigin);
    assert.equal(r2.status, 200);
    const t2 = (await r2.json()) as TokenSet;
    const rt2 = t2.refresh_token!;
    assert.ok(rt2 && rt2 !== rt1, 'a new refresh token');

    const replay = await refresh(s.issuer, rt1, s.appOrigin);
    assert.equal(replay.status, 400);
    assert.equal(((await replay.json()) as { error: string }).error, 'invalid_grant');

    const afterReplay = await refresh(s.issuer, rt2, s.appOrigin);
    assert.equal(afterReplay.status, 400);
    assert.equal(((await afterReplay.json()) as { error: string }).error, 'invalid_grant');
  });

  test('C4: a refresh token is issued without offline_access and without prompt=consent', async () => {
    const { tokens } = await signIn({
      issuer: s.issuer,
      appOrigin: s.appOrigin,
      username: alice.username,
      password: alice.password,
      scope: 'openid profile todos:read',
    });
    assert.ok(tokens.refresh_token);
    const r = await refresh(s.issuer, tokens.refresh_token, s.appOrigin);
    assert.equal(r.status, 200);
  });

  test('C4: signing out at the IdP ends the refresh tokens', async () => {
    const { tokens, cookies } = await signIn({ issuer: s.issuer, appOrigin: s.appOrigin, username: alice.username, password: alice.password });
    await endSession(s, cookies, tokens.id_token!);
    const r = await refresh(s.issuer, tokens.refresh_token!, s.appOrigin);
    assert.equal(r.status, 400);
    assert.equal(((await r.json()) as { error: string }).error, 'invalid_grant');
  });
});
