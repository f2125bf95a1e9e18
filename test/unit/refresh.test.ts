import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accessTokenForUse } from '../../sw/refresh.ts';
import { tokensFrom } from '../../sw/tokens.ts';
import type { Tokens } from '../../sw/session.ts';
import { ISSUER, fakeFetch, makeCtx, makeKeys, testTokens, tokenJson, type Route } from './fake-idp.ts';

const keys = await makeKeys();
const TOKEN = `${ISSUER}/token`;

function signedIn(t: ReturnType<typeof makeCtx>, o: Partial<Tokens> = {}): void {
  t.ctx.session.signedIn(
    testTokens(t.clock.now, {
      accessToken: 'at-old',
      accessTokenExpiresAt: t.clock.now - 1000, // already expired unless `o` says otherwise
      refreshToken: 'rt-1',
      idToken: 'id-1',
      ...o,
    }),
  );
}

function setup(route: Route) {
  const net = fakeFetch({ [TOKEN]: route });
  const t = makeCtx(net.fetch, keys);
  return { net, t };
}

test('refresh: 50 concurrent API uses on an expired token make exactly one token request', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const { net, t } = setup(async () => {
    await gate;
    return tokenJson({ access: 'at-new', refresh: 'rt-2' });
  });
  signedIn(t);
  const uses = Array.from({ length: 50 }, () => accessTokenForUse(t.ctx, 10_000));
  await new Promise((r) => setTimeout(r, 20));
  release();
  const tokens = await Promise.all(uses);
  assert.equal(net.callsTo(TOKEN).length, 1);
  assert.ok(tokens.every((x) => x === 'at-new'));
  assert.equal(t.ctx.session.tokens()?.refreshToken, 'rt-2');
  assert.match(net.callsTo(TOKEN)[0]!.body, /grant_type=refresh_token/);
});

test('refresh: proactive when the token expires within 30 s at use time', async () => {
  const { net, t } = setup(() => tokenJson({ access: 'at-new', refresh: 'rt-2' }));
  signedIn(t, { accessTokenExpiresAt: t.clock.now + 10_000 });
  assert.equal(await accessTokenForUse(t.ctx, 1000), 'at-new');
  assert.equal(net.callsTo(TOKEN).length, 1);
});

test('refresh: a token with time left is used without a token request', async () => {
  const { net, t } = setup(() => tokenJson({}));
  signedIn(t, { accessTokenExpiresAt: t.clock.now + 120_000 });
  assert.equal(await accessTokenForUse(t.ctx, 1000), 'at-old');
  assert.equal(net.callsTo(TOKEN).length, 0);
});

test('refresh: invalid_grant ends the session as session-expired and tells every tab', async () => {
  const { t } = setup(() => Response.json({ error: 'invalid_grant' }, { status: 400 }));
  signedIn(t);
  assert.equal(await t.ctx.refresher.refresh(), 'session-expired');
  assert.deepEqual(t.ctx.session.snapshot(), { status: 'signed-out', reason: 'session-expired' });
  const last = t.broadcasts.at(-1);
  assert.ok(last?.type === 'session-changed' && last.session.status === 'signed-out');
  assert.equal(t.hint.value, null);
});

test('refresh: after a network failure the refresh token is never sent again; recovery is asked for', async () => {
  const { net, t } = setup(() => {
    throw new TypeError('network down');
  });
  signedIn(t);
  assert.equal(await t.ctx.refresher.refresh(), 'recovering');
  assert.equal(t.ctx.session.state.kind, 'recovering');
  assert.ok(t.broadcasts.some((b) => b.type === 'recovery-needed'));
  // A second attempt must not reuse rt-1.
  await t.ctx.refresher.refresh();
  assert.equal(net.callsTo(TOKEN).length, 1);
  assert.equal(t.ctx.session.tokens()?.refreshToken, undefined);
  t.ctx.recovery.settled();
});

test('refresh: a network failure is not a sign-out', async () => {
  const { t } = setup(() => {
    throw new TypeError('network down');
  });
  signedIn(t, { accessTokenExpiresAt: t.clock.now + 20_000 });
  await t.ctx.refresher.refresh();
  assert.notEqual(t.ctx.session.snapshot().status, 'signed-out');
  // The still-valid access token keeps working during recovery.
  assert.equal(await accessTokenForUse(t.ctx, 100), 'at-old');
  t.ctx.recovery.settled();
});

test('refresh: a token that lives shorter than the 30 s margin is refreshed once, then used', async () => {
  // With a fixed 30 s margin a 2 s token was "due" on arrival and every use refreshed again.
  const { net, t } = setup(() => tokenJson({ access: 'at-new', refresh: 'rt-2', expiresIn: 2 }));
  signedIn(t);
  assert.equal(await accessTokenForUse(t.ctx, 1000), 'at-new');
  assert.equal(await accessTokenForUse(t.ctx, 1000), 'at-new');
  assert.equal(net.callsTo(TOKEN).length, 1);
});

test('tokens: refreshAt is 30 s before expiry, or half the lifetime when that is shorter', () => {
  const base = { access_token: 'a', token_type: 'Bearer' };
  const o = { now: 1_000_000, profile: { sub: 'alice' }, requestedScope: 'openid' };
  assert.equal(tokensFrom({ ...base, expires_in: 300 }, o).refreshAt, 1_000_000 + 270_000);
  assert.equal(tokensFrom({ ...base, expires_in: 2 }, o).refreshAt, 1_000_000 + 1_000);
});
