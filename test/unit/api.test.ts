import { test } from 'node:test';
import assert from 'node:assert/strict';
import { handleCrossOrigin } from '../../sw/handlers/idp-guard.ts';
import { API, ISSUER, fakeFetch, makeCtx, makeKeys, testTokens, tokenJson } from './fake-idp.ts';
import { until } from './until.ts';

const keys = await makeKeys();
const TOKEN = `${ISSUER}/token`;

function setup(apiRoute: (req: Request, body: string) => Response) {
  const net = fakeFetch({
    [`${API}/todos`]: apiRoute,
    [TOKEN]: () => tokenJson({ access: 'at-new', refresh: 'rt-2' }),
    ['http://localhost:4002/x']: () => new Response('other'),
  });
  const t = makeCtx(net.fetch, keys);
  t.ctx.session.started(testTokens(t.clock.now, { accessToken: 'at-old', refreshToken: 'rt-1' }));
  return { net, t };
}

test('A6: the SW overwrites a page-set Authorization header on API calls', async () => {
  const { net, t } = setup(() => Response.json([]));
  const res = await handleCrossOrigin(new Request(`${API}/todos`, { headers: { Authorization: 'Bearer page-made' } }), t.ctx);
  assert.equal(res.status, 200);
  assert.equal(net.callsTo(`${API}/todos`)[0]!.headers.get('authorization'), 'Bearer at-old');
});

test('A6: no header for a no-cors request to the API', async () => {
  const { net, t } = setup(() => new Response('x'));
  await handleCrossOrigin(new Request(`${API}/todos`, { mode: 'no-cors' }), t.ctx);
  assert.equal(net.callsTo(`${API}/todos`)[0]!.headers.get('authorization'), null);
});

test('A6: no header for another origin (passed through untouched)', async () => {
  const { net, t } = setup(() => new Response('x'));
  const res = await handleCrossOrigin(new Request('http://localhost:4002/x'), t.ctx);
  assert.equal(await res.text(), 'other');
  assert.equal(net.callsTo('http://localhost:4002/x')[0]!.headers.get('authorization'), null);
});

test('A9: page requests to the IdP origin are refused with idp_request_refused (any path, case, query)', async () => {
  const { net, t } = setup(() => new Response('x'));
  for (const url of [`${ISSUER}/token`, `${ISSUER}/token?x`, `${ISSUER}/token/`, `${ISSUER}/TOKEN`, `${ISSUER}/.well-known/openid-configuration`]) {
    const res = await handleCrossOrigin(new Request(url, { method: 'POST', body: 'grant_type=refresh_token' }), t.ctx);
    assert.equal(res.status, 403);
    assert.equal(((await res.json()) as { code: string }).code, 'idp_request_refused');
  }
  assert.equal(net.callsTo(TOKEN).length, 0);
});

test('401 invalid_token: one refresh and one replay with the same body', async () => {
  let n = 0;
  const { net, t } = setup((req) => {
    n++;
    if (req.headers.get('authorization') === 'Bearer at-old') {
      return new Response(null, { status: 401, headers: { 'WWW-Authenticate': 'Bearer realm="todos", error="invalid_token"' } });
    }
    return Response.json({ ok: true }, { status: 201 });
  });
  const res = await handleCrossOrigin(
    new Request(`${API}/todos`, { method: 'POST', body: JSON.stringify({ title: 'milk' }), headers: { 'Content-Type': 'application/json' } }),
    t.ctx,
  );
  assert.equal(res.status, 201);
  assert.equal(n, 2);
  assert.equal(net.callsTo(TOKEN).length, 1);
  const sent = net.callsTo(`${API}/todos`);
  assert.equal(sent[0]!.body, '{"title":"milk"}');
  assert.equal(sent[1]!.body, '{"title":"milk"}');
  assert.equal(sent[1]!.headers.get('authorization'), 'Bearer at-new');
});

test('401 invalid_token twice: no second refresh, the 401 reaches the page', async () => {
  const { net, t } = setup(() => new Response(null, { status: 401, headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } }));
  const res = await handleCrossOrigin(new Request(`${API}/todos`), t.ctx);
  assert.equal(res.status, 401);
  assert.equal(net.callsTo(TOKEN).length, 1);
  assert.equal(net.callsTo(`${API}/todos`).length, 2);
});

test('401 without error="invalid_token" is not retried', async () => {
  const { net, t } = setup(() => new Response(null, { status: 401, headers: { 'WWW-Authenticate': 'Bearer realm="todos"' } }));
  const res = await handleCrossOrigin(new Request(`${API}/todos`), t.ctx);
  assert.equal(res.status, 401);
  assert.equal(net.callsTo(TOKEN).length, 0);
});

test('signed out: API requests go out without a token', async () => {
  const { net, t } = setup(() => new Response(null, { status: 401 }));
  t.ctx.session.signedOut('signed-out');
  await handleCrossOrigin(new Request(`${API}/todos`), t.ctx);
  assert.equal(net.callsTo(`${API}/todos`)[0]!.headers.get('authorization'), null);
});

test('recovery: a restarted SW with a session hint asks pages to recover and the API call waits for it', async () => {
  const net = fakeFetch({ [`${API}/todos`]: () => Response.json([]) });
  const t = makeCtx(net.fetch, keys);
  await t.hint.set({ user: { sub: 'alice' }, needsInteraction: false });
  const pending = handleCrossOrigin(new Request(`${API}/todos`), t.ctx);
  await until(() => t.broadcasts.some((b) => b.type === 'recovery-needed'), 2_000, 'a recovery-needed broadcast');
  assert.equal(t.ctx.session.snapshot().status, 'recovering');
  assert.equal(net.callsTo(`${API}/todos`).length, 0);
  // The silent iframe's callback completes the recovery.
  t.ctx.session.started(testTokens(t.clock.now, { accessToken: 'at-recovered' }));
  const res = await pending;
  assert.equal(res.status, 200);
  assert.equal(net.callsTo(`${API}/todos`)[0]!.headers.get('authorization'), 'Bearer at-recovered');
});
