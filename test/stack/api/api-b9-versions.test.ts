/**
 * Issue 9 item 4 (B9, conflicts are visible): every todo has a `version`, answers that carry one
 * todo send `ETag: "<version>"`, and `If-Match` makes PATCH and DELETE conditional (412 with the
 * current todo). CORS lets the app send the write headers and read the ETag.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { freePort } from '../free-port.ts';
import { useTeardown } from '../teardown.ts';
import { startApi, type RunningApi } from './server.ts';
import { call, errorBody, listTodos, mint, startTestIssuer, type TestIssuer, type WireTodo } from './test-helpers.ts';

const APP_ORIGIN = 'http://localhost:5173';
let iss: TestIssuer;
let api: RunningApi;
let t: string;

const teardown = useTeardown();
before(async () => {
  iss = teardown.add(await startTestIssuer());
  api = teardown.add(await startApi({ port: await freePort(), issuer: iss.issuer, appOrigin: APP_ORIGIN }));
  t = await mint(iss, api.origin, { claims: { sub: 'versions-sub' } });
});

async function create(title = 'v'): Promise<WireTodo> {
  const res = await call(api.origin, t, 'POST', '/todos', { body: { title } });
  assert.equal(res.status, 201);
  return (await res.json()) as WireTodo;
}

describe('B9: versions and ETags', () => {
  it('B9: version 1 on create, +1 on every change; POST and PATCH send ETag "<version>"; the list carries versions', async () => {
    const res = await call(api.origin, t, 'POST', '/todos', { body: { title: 'one' } });
    const todo = (await res.json()) as WireTodo;
    assert.equal(todo.version, 1);
    assert.equal(res.headers.get('etag'), '"1"');
    for (const [i, body] of [{ completed: true }, { title: 'two' }, { completed: true }].entries()) {
      const patched = await call(api.origin, t, 'PATCH', `/todos/${todo.id}`, { body });
      assert.equal(patched.status, 200);
      assert.equal(((await patched.json()) as WireTodo).version, i + 2);
      assert.equal(patched.headers.get('etag'), `"${i + 2}"`);
    }
    assert.equal((await listTodos(api.origin, t)).find((x) => x.id === todo.id)?.version, 4);
  });
});

describe('B9: If-Match on PATCH and DELETE', () => {
  it('B9: PATCH with the current If-Match applies', async () => {
    const todo = await create();
    const res = await call(api.origin, t, 'PATCH', `/todos/${todo.id}`, { body: { title: 'new' }, headers: { 'If-Match': '"1"' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('etag'), '"2"');
  });

  it('B9: PATCH with a stale If-Match → 412 precondition_failed with the current todo; nothing applied', async () => {
    const todo = await create('mine');
    const theirs = (await (await call(api.origin, t, 'PATCH', `/todos/${todo.id}`, { body: { title: 'theirs' } })).json()) as WireTodo;
    const res = await call(api.origin, t, 'PATCH', `/todos/${todo.id}`, { body: { title: 'mine, edited' }, headers: { 'If-Match': '"1"' } });
    assert.equal(res.status, 412);
    const body = await errorBody<{ current: WireTodo }>(res);
    assert.equal(body.error, 'precondition_failed');
    assert.deepEqual(body.current, theirs);
    assert.equal((await listTodos(api.origin, t)).find((x) => x.id === todo.id)?.title, 'theirs');
  });

  it('B9: DELETE with a stale If-Match → 412 with current, the todo stays; with the current one → 204', async () => {
    const todo = await create();
    await call(api.origin, t, 'PATCH', `/todos/${todo.id}`, { body: { completed: true } });
    const stale = await call(api.origin, t, 'DELETE', `/todos/${todo.id}`, { headers: { 'If-Match': '"1"' } });
    assert.equal(stale.status, 412);
    assert.equal((await errorBody<{ current: WireTodo }>(stale)).current.version, 2);
    assert.ok((await listTodos(api.origin, t)).some((x) => x.id === todo.id));
    const ok = await call(api.origin, t, 'DELETE', `/todos/${todo.id}`, { headers: { 'If-Match': '"2"' } });
    assert.equal(ok.status, 204);
  });

  it('B9: without If-Match a write is unconditional', async () => {
    const todo = await create();
    await call(api.origin, t, 'PATCH', `/todos/${todo.id}`, { body: { completed: true } });
    assert.equal((await call(api.origin, t, 'PATCH', `/todos/${todo.id}`, { body: { title: 'last wins' } })).status, 200);
    assert.equal((await call(api.origin, t, 'DELETE', `/todos/${todo.id}`)).status, 204);
  });

  it('B9: If-Match on an unknown id stays 404', async () => {
    const res = await call(api.origin, t, 'PATCH', `/todos/${crypto.randomUUID()}`, { body: { title: 'x' }, headers: { 'If-Match': '"1"' } });
    assert.equal(res.status, 404);
    assert.equal((await errorBody(res)).error, 'not_found');
  });

  for (const value of ['W/"1"', '1', '"abc"', '*', '"1", "2"', '"0"', '""']) {
    it(`B9: a malformed If-Match (${value}) → 400 invalid_request, nothing applied`, async () => {
      const todo = await create();
      const res = await call(api.origin, t, 'PATCH', `/todos/${todo.id}`, { body: { title: 'no' }, headers: { 'If-Match': value } });
      assert.equal(res.status, 400);
      assert.equal((await errorBody(res)).error, 'invalid_request');
      assert.equal((await listTodos(api.origin, t)).find((x) => x.id === todo.id)?.version, 1);
    });
  }
});

describe('B6: CORS for the write headers', () => {
  it('B6: a preflight asking for Idempotency-Key and If-Match lists both; answers expose ETag', async () => {
    const pre = await fetch(`${api.origin}/todos/x`, {
      method: 'OPTIONS',
      headers: {
        Origin: APP_ORIGIN,
        'Access-Control-Request-Method': 'PATCH',
        'Access-Control-Request-Headers': 'authorization, content-type, idempotency-key, if-match',
      },
    });
    assert.equal(pre.status, 204);
    const allowed = (pre.headers.get('access-control-allow-headers') ?? '').split(', ');
    for (const h of ['Authorization', 'DPoP', 'Idempotency-Key', 'If-Match']) assert.ok(allowed.includes(h), h);
    assert.match(pre.headers.get('access-control-allow-methods') ?? '', /PATCH/);

    const created = await call(api.origin, t, 'POST', '/todos', { body: { title: 'cors' }, headers: { Origin: APP_ORIGIN } });
    assert.equal(created.headers.get('access-control-allow-origin'), APP_ORIGIN);
    assert.deepEqual((created.headers.get('access-control-expose-headers') ?? '').split(', '), ['WWW-Authenticate', 'DPoP-Nonce', 'ETag']);
  });
});
