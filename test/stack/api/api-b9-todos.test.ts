/**
 * B9: every user sees and changes only their own todos; input validated (types, lengths, body size).
 * Split from api-http.test.ts by requirement (issue 11).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { freePort } from '../free-port.ts';
import { startApi, type RunningApi } from './server.ts';
import { APP_ORIGIN, bearer, errorBody, JSON_HEADERS, mint, post, raw, useApiFixture, type ErrorBody, type TestIssuer } from './test-helpers.ts';

let iss: TestIssuer;
let api: RunningApi;
let alice: string;
let bob: string;
useApiFixture((f) => ({ iss, api, alice, bob } = f));

describe('B9: todos per user and input validation', () => {
  it('B9: create, list, update, delete own todos', async () => {
    const created = await post(api.origin, alice, { title: '  buy milk  ' });
    assert.equal(created.status, 201);
    const todo = (await created.json()) as { id: string; title: string; completed: boolean; createdAt: string; updatedAt: string; version: number };
    assert.match(todo.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(todo.title, 'buy milk');
    assert.equal(todo.completed, false);
    assert.ok(!Number.isNaN(Date.parse(todo.createdAt)));
    assert.deepEqual(Object.keys(todo).sort(), ['completed', 'createdAt', 'id', 'title', 'updatedAt', 'version']);

    const list = (await (await fetch(`${api.origin}/todos`, { headers: bearer(alice) })).json()) as Array<{ id: string }>;
    assert.ok(list.some((t) => t.id === todo.id));

    const patched = await fetch(`${api.origin}/todos/${todo.id}`, {
      method: 'PATCH',
      headers: { ...bearer(alice), ...JSON_HEADERS },
      body: JSON.stringify({ completed: true, title: 'buy oat milk' }),
    });
    assert.equal(patched.status, 200);
    assert.deepEqual(
      { ...((await patched.json()) as object), updatedAt: undefined },
      { ...todo, completed: true, title: 'buy oat milk', updatedAt: undefined, version: 2 },
    );

    const del = await fetch(`${api.origin}/todos/${todo.id}`, { method: 'DELETE', headers: bearer(alice) });
    assert.equal(del.status, 204);
    assert.equal(await del.text(), '');
    const again = await fetch(`${api.origin}/todos/${todo.id}`, { method: 'DELETE', headers: bearer(alice) });
    assert.equal(again.status, 404);
  });

  it("B9: bob cannot read, change or delete alice's todo ids (404), and alice's todo is unchanged", async () => {
    const todo = (await (await post(api.origin, alice, { title: 'alice only' })).json()) as { id: string; title: string };
    const bobList = (await (await fetch(`${api.origin}/todos`, { headers: bearer(bob) })).json()) as Array<{ id: string }>;
    assert.ok(!bobList.some((t) => t.id === todo.id));
    const patch = await fetch(`${api.origin}/todos/${todo.id}`, {
      method: 'PATCH',
      headers: { ...bearer(bob), ...JSON_HEADERS },
      body: JSON.stringify({ title: 'pwned' }),
    });
    assert.equal(patch.status, 404);
    assert.equal((await errorBody(patch)).error, 'not_found');
    const del = await fetch(`${api.origin}/todos/${todo.id}`, { method: 'DELETE', headers: bearer(bob) });
    assert.equal(del.status, 404);
    const aliceList = (await (await fetch(`${api.origin}/todos`, { headers: bearer(alice) })).json()) as Array<{ id: string; title: string }>;
    assert.equal(aliceList.find((t) => t.id === todo.id)?.title, 'alice only');
  });

  const invalid: Array<[string, unknown, string]> = [
    ['empty title', { title: '' }, 'invalid_body'],
    ['blank title', { title: '   \n\t ' }, 'invalid_body'],
    ['title not a string', { title: 42 }, 'invalid_body'],
    ['title too long (501 chars)', { title: 'x'.repeat(501) }, 'invalid_body'],
    ['missing title', {}, 'invalid_body'],
    ['unknown field', { title: 'a', owner: 'bob-sub' }, 'invalid_body'],
    ['__proto__ field', '{"title":"a","__proto__":{"x":1}}', 'invalid_body'],
    ['a JSON array', '[{"title":"a"}]', 'invalid_body'],
    ['bad JSON', '{"title":', 'invalid_json'],
  ];
  for (const [name, body, code] of invalid) {
    it(`B9: POST with ${name} → 400 ${code}`, async () => {
      const res = await post(api.origin, alice, body);
      assert.equal(res.status, 400);
      assert.equal((await errorBody(res)).error, code);
    });
  }

  it('B9: a 500-character title is accepted', async () => {
    assert.equal((await post(api.origin, alice, { title: '😀'.repeat(500) })).status, 201);
  });

  it('B9: PATCH validation: completed must be boolean, empty patch and unknown fields refused', async () => {
    const todo = (await (await post(api.origin, alice, { title: 'p' })).json()) as { id: string };
    for (const body of [{ completed: 'true' }, {}, { completed: true, id: 'x' }, { title: '' }]) {
      const res = await fetch(`${api.origin}/todos/${todo.id}`, {
        method: 'PATCH',
        headers: { ...bearer(alice), ...JSON_HEADERS },
        body: JSON.stringify(body),
      });
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal((await errorBody(res)).error, 'invalid_body');
    }
  });

  it('B9: a body that is not application/json → 415 unsupported_media_type', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1']) {
      const res = await post(api.origin, alice, '{"title":"a"}', { 'Content-Type': type });
      assert.equal(res.status, 415, type);
      assert.equal((await errorBody(res)).error, 'unsupported_media_type');
    }
  });

  it('B9: a body over 16 KB → 413 payload_too_large (declared length)', async () => {
    const res = await post(api.origin, alice, { title: 'x'.repeat(17 * 1024) });
    assert.equal(res.status, 413);
    assert.equal((await errorBody(res)).error, 'payload_too_large');
  });

  it('B9: a chunked body over 16 KB → 413 payload_too_large (reading stops)', async () => {
    const chunk = 'x'.repeat(4096);
    const res = await raw(api.origin, 'POST', '/todos', { ...bearer(alice), ...JSON_HEADERS, 'Transfer-Encoding': 'chunked' }, [
      '{"title":"',
      chunk,
      chunk,
      chunk,
      chunk,
      chunk,
      '"}',
    ]);
    assert.equal(res.status, 413);
    assert.equal((JSON.parse(res.text) as ErrorBody).error, 'payload_too_large');
  });

  it('B9: the per-user cap refuses more todos with 409 todo_limit_reached', async () => {
    const capped = await startApi({ port: await freePort(), issuer: iss.issuer, appOrigin: APP_ORIGIN, maxTodosPerUser: 2 });
    try {
      const t = await mint(iss, capped.origin, { claims: { sub: 'carol-sub' } });
      const create = (): Promise<Response> =>
        fetch(`${capped.origin}/todos`, { method: 'POST', headers: { ...bearer(t), ...JSON_HEADERS }, body: '{"title":"a"}' });
      assert.equal((await create()).status, 201);
      assert.equal((await create()).status, 201);
      const third = await create();
      assert.equal(third.status, 409);
      assert.equal((await errorBody(third)).error, 'todo_limit_reached');
    } finally {
      await capped.close();
    }
  });
});
