import { test } from 'node:test';
import assert from 'node:assert/strict';
import { handleLogout } from '../../sw/handlers/logout.ts';
import { APP, CONFIG, ISSUER, fakeFetch, makeCtx, makeKeys, navigation, testTokens } from './fake-idp.ts';

const keys = await makeKeys();
const REVOKE = `${ISSUER}/token/revocation`;

function setup() {
  const net = fakeFetch({ [REVOKE]: () => new Response(null, { status: 200 }) });
  const t = makeCtx(net.fetch, keys);
  t.ctx.session.started(testTokens(t.clock.now, { refreshToken: 'rt-1', idToken: 'id-token-1' }));
  return { net, t };
}

test('A12: with a ticket: revoke, clear, tell every tab, redirect to end_session with hint and state', async () => {
  const { net, t } = setup();
  const ticket = t.ctx.tickets.issue();
  const res = await handleLogout(navigation(`${APP}/logout?ticket=${ticket}`), t.ctx);
  assert.equal(res.status, 302);
  const loc = new URL(res.headers.get('Location')!);
  assert.equal(loc.origin + loc.pathname, `${ISSUER}/session/end`);
  assert.equal(loc.searchParams.get('id_token_hint'), 'id-token-1');
  assert.equal(loc.searchParams.get('post_logout_redirect_uri'), CONFIG.postLogoutRedirectUri);
  assert.ok(loc.searchParams.get('state'));
  assert.ok(res.headers.get('Location')!.endsWith('#'));
  const revoke = new URLSearchParams(net.callsTo(REVOKE)[0]!.body);
  assert.equal(revoke.get('token'), 'rt-1');
  assert.equal(revoke.get('token_type_hint'), 'refresh_token');
  assert.deepEqual(t.ctx.session.snapshot(), { status: 'signed-out', reason: 'signed-out' });
  const last = t.broadcasts.at(-1);
  assert.ok(last?.type === 'session-changed' && last.session.status === 'signed-out');
});

test('A12: a ticket works once', async () => {
  const { t } = setup();
  const ticket = t.ctx.tickets.issue();
  await handleLogout(navigation(`${APP}/logout?ticket=${ticket}`), t.ctx);
  const again = await handleLogout(navigation(`${APP}/logout?ticket=${ticket}`), t.ctx);
  assert.equal(again.status, 200);
});

test('logout CSRF: /logout without a ticket gets a confirmation page and keeps the session', async () => {
  const { net, t } = setup();
  const res = await handleLogout(navigation(`${APP}/logout`), t.ctx);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('Content-Security-Policy')!, /frame-ancestors 'none'/);
  assert.match(await res.text(), /name="ticket" value="[A-Za-z0-9_-]{43}"/);
  assert.equal(t.ctx.session.snapshot().status, 'signed-in');
  assert.equal(net.callsTo(REVOKE).length, 0);
});

test('A12: without an ID token the end-session request names the client instead', async () => {
  const { t } = setup();
  t.ctx.session.started(testTokens(t.clock.now, { refreshToken: 'rt-1' }));
  const res = await handleLogout(navigation(`${APP}/logout?ticket=${t.ctx.tickets.issue()}`), t.ctx);
  const loc = new URL(res.headers.get('Location')!);
  assert.equal(loc.searchParams.get('client_id'), CONFIG.clientId);
  assert.equal(loc.searchParams.get('id_token_hint'), null);
});
