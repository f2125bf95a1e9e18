import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accessTokenForUse } from '../../sw/refresh.ts';
import { tokensFrom } from '../../sw/tokens.ts';
import type { Tokens } from '../../sw/session.ts';
import { ISSUER, fakeFetch, makeCtx, makeKeys, signIdToken, testTokens, tokenJson, type Route } from './fake-idp.ts';

const keys = await makeKeys();
const TOKEN = `${ISSUER}/token`;

function signedIn(t: ReturnType<typeof makeCtx>, o: Partial<Tokens> = {}): void {
  t.ctx.session.started(
    testTokens(t.clock.now, {
      accessToken: 'at-old',
      accessTokenExpiresAt: t.clock.now - 1000, // already expired unless `o` says otherwise
      refreshToken: 'rt-1',
      idToken: 'id-1',
      ...o,
    }),
  );
}

/** The token a use would put on the request, or why none. */
async function tokenFor(ctx: ReturnType<typeof makeCtx>['ctx'], waitMs: number): Promise<string> {
  const use = await accessTokenForUse(ctx, waitMs);
  return use.kind === 'token' ? use.token : use.kind;
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
  const uses = Array.from({ length: 50 }, () => tokenFor(t.ctx, 10_000));
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
  assert.equal(await tokenFor(t.ctx, 1000), 'at-new');
  assert.equal(net.callsTo(TOKEN).length, 1);
});

test('refresh: a token with time left is used without a token request', async () => {
  const { net, t } = setup(() => tokenJson({}));
  signedIn(t, { accessTokenExpiresAt: t.clock.now + 120_000 });
  assert.equal(await tokenFor(t.ctx, 1000), 'at-old');
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
  assert.equal(await tokenFor(t.ctx, 100), 'at-old');
  t.ctx.recovery.settled();
});

test('refresh: a token that lives shorter than the 30 s margin is refreshed once, then used', async () => {
  // With a fixed 30 s margin a 2 s token was "due" on arrival and every use refreshed again.
  const { net, t } = setup(() => tokenJson({ access: 'at-new', refresh: 'rt-2', expiresIn: 2 }));
  signedIn(t);
  assert.equal(await tokenFor(t.ctx, 1000), 'at-new');
  assert.equal(await tokenFor(t.ctx, 1000), 'at-new');
  assert.equal(net.callsTo(TOKEN).length, 1);
});

test('tokens: refreshAt is 30 s before expiry, or half the lifetime when that is shorter', () => {
  const base = { access_token: 'a', token_type: 'Bearer' as const };
  const o = { now: 1_000_000, profile: { sub: 'alice' }, requestedScope: 'openid' };
  assert.equal(tokensFrom({ ...base, expires_in: 300 }, o).refreshAt, 1_000_000 + 270_000);
  assert.equal(tokensFrom({ ...base, expires_in: 2 }, o).refreshAt, 1_000_000 + 1_000);
});

for (const [label, route] of [
  ['a 503', () => new Response('busy', { status: 503, headers: { 'Retry-After': '5' } })],
  ['a 429', () => Response.json({ error: 'slow_down' }, { status: 429 })],
  ['a 500 with an OAuth error', () => Response.json({ error: 'server_error' }, { status: 500 })],
  ['a 200 that is not JSON', () => new Response('<html>', { headers: { 'Content-Type': 'application/json' } })],
] as const) {
  test(`refresh: ${label} may have reached the IdP: that refresh token is never sent again`, async () => {
    const { net, t } = setup(route);
    signedIn(t);
    assert.equal(await t.ctx.refresher.refresh(), 'recovering');
    await t.ctx.refresher.refresh();
    assert.equal(net.callsTo(TOKEN).length, 1);
    assert.equal(t.ctx.session.tokens()?.refreshToken, undefined);
    assert.notEqual(t.ctx.session.snapshot().status, 'signed-out');
    assert.ok(t.broadcasts.some((b) => b.type === 'recovery-needed'));
    t.ctx.recovery.settled();
  });
}

test('refresh: the refresh request carries no scope (a narrower stored one would drop the new ID token)', async () => {
  const { net, t } = setup(() => tokenJson({ access: 'at-new', refresh: 'rt-2' }));
  signedIn(t);
  await t.ctx.refresher.refresh();
  const body = new URLSearchParams(net.callsTo(TOKEN)[0]!.body);
  assert.equal(body.get('refresh_token'), 'rt-1');
  assert.equal(body.get('scope'), null);
});

test('refresh: the refresh token is out of memory while its request is in flight', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const { t } = setup(async () => {
    await gate;
    return tokenJson({ access: 'at-new' });
  });
  signedIn(t);
  const done = t.ctx.refresher.refresh();
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(t.ctx.session.state.kind, 'refreshing');
  assert.equal(t.ctx.session.tokens()?.refreshToken, undefined);
  release();
  assert.equal(await done, 'refreshed');
  // No new refresh token in the answer: the IdP does not rotate, so the old one stays valid.
  assert.equal(t.ctx.session.tokens()?.refreshToken, 'rt-1');
});

test('refresh: a new ID token in the answer is verified and updates the profile', async () => {
  const idToken = await signIdToken(keys, { name: 'Alice Renamed' });
  const { t } = setup(() => tokenJson({ access: 'at-new', refresh: 'rt-2', idToken }));
  signedIn(t, { idToken: await signIdToken(keys, {}) });
  assert.equal(await t.ctx.refresher.refresh(), 'refreshed');
  assert.equal(t.ctx.session.tokens()?.idToken, idToken);
  assert.equal(t.ctx.session.tokens()?.profile.name, 'Alice Renamed');
});

test('refresh: an answer without an ID token keeps the previous one', async () => {
  const previous = await signIdToken(keys, {});
  const { t } = setup(() => tokenJson({ access: 'at-new', refresh: 'rt-2' }));
  signedIn(t, { idToken: previous, profile: { sub: 'alice', name: 'Alice' } });
  assert.equal(await t.ctx.refresher.refresh(), 'refreshed');
  assert.equal(t.ctx.session.tokens()?.idToken, previous);
  assert.equal(t.ctx.session.tokens()?.profile.name, 'Alice');
});

test('refresh: a new ID token for another user is refused; the spent refresh token is not reused', async () => {
  const { net, t } = setup(async () => tokenJson({ access: 'at-new', refresh: 'rt-2', idToken: await signIdToken(keys, { sub: 'mallory' }) }));
  signedIn(t, { idToken: await signIdToken(keys, {}) });
  assert.equal(await t.ctx.refresher.refresh(), 'recovering');
  assert.equal(t.ctx.session.tokens()?.refreshToken, undefined);
  assert.equal(net.callsTo(TOKEN).length, 1);
  t.ctx.recovery.settled();
});

test('issue 9: an IdP that does not answer gets no refresh request; the refresh token is kept and the session stays', async () => {
  const net = fakeFetch({});
  const down: typeof fetch = async (input, init) => {
    if (String(input instanceof Request ? input.url : input).includes('/.well-known/')) throw new TypeError('down');
    return net.fetch(input, init);
  };
  const t = makeCtx(down, keys);
  signedIn(t);
  assert.equal(await t.ctx.refresher.refresh(), 'postponed');
  assert.equal(t.ctx.session.tokens()?.refreshToken, 'rt-1');
  assert.equal(net.callsTo(TOKEN).length, 0);
  const snap = t.ctx.session.snapshot();
  assert.ok(snap.status === 'signed-in' && snap.connection === 'idp-unreachable', JSON.stringify(snap));
  // An expired token cannot be used meanwhile: the call is told to wait, not sent without a token.
  assert.equal(await tokenFor(t.ctx, 50), 'reconnecting');
});

test('issue 9: no refresh request while the browser says it is offline', async () => {
  const { net, t } = setup(() => tokenJson({ access: 'at-new', refresh: 'rt-2' }));
  signedIn(t);
  t.net.online = false;
  assert.equal(await t.ctx.refresher.refresh(), 'postponed');
  assert.equal(net.calls.length, 0, 'not even a probe');
  t.net.online = true;
  assert.equal(await t.ctx.refresher.refresh(), 'refreshed');
  assert.equal(net.callsTo(TOKEN).length, 1);
});

test('finding 1: a refresh answer that arrives after sign-out is dropped, and its refresh token revoked', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const revoked: string[] = [];
  const net = fakeFetch({
    [TOKEN]: async () => {
      await gate;
      return tokenJson({ access: 'at-late', refresh: 'rt-late' });
    },
    [`${ISSUER}/token/revocation`]: (_req, body) => {
      revoked.push(new URLSearchParams(body).get('token') ?? '');
      return new Response(null, { status: 200 });
    },
  });
  const t = makeCtx(net.fetch, keys);
  signedIn(t);
  const done = t.ctx.refresher.refresh();
  await new Promise((r) => setTimeout(r, 20));
  t.ctx.session.signedOut('signed-out');
  release();
  assert.equal(await done, 'dropped');
  assert.deepEqual(t.ctx.session.snapshot(), { status: 'signed-out', reason: 'signed-out' });
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(revoked, ['rt-late']);
});

test('finding 1: a late refresh answer for alice does not overwrite bob who signed in meanwhile', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const { t } = setup(async () => {
    await gate;
    return tokenJson({ access: 'at-alice-late', refresh: 'rt-alice-late' });
  });
  signedIn(t);
  const done = t.ctx.refresher.refresh();
  await new Promise((r) => setTimeout(r, 20));
  t.ctx.session.started(testTokens(t.clock.now, { accessToken: 'at-bob', profile: { sub: 'bob' } }));
  release();
  assert.equal(await done, 'dropped');
  assert.equal(t.ctx.session.tokens()?.accessToken, 'at-bob');
});
