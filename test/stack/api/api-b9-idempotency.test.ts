/**
 * Issue 9 item 3 (B9, "nothing is lost", and no duplicates either): `Idempotency-Key` on POST,
 * PATCH and DELETE over real HTTP. A replay returns the first answer and applies nothing again,
 * also after a SIGKILL and restart on the same data file; keys are per user.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { freePort } from '../free-port.ts';
import { useTeardown } from '../teardown.ts';
import { startApi, type RunningApi } from './server.ts';
import { spawnApi } from './spawn-api.ts';
import { call, errorBody, listTodos, mint, startTestIssuer, type TestIssuer, type WireTodo } from './test-helpers.ts';

let iss: TestIssuer;
let api: RunningApi;
let dir: string;

const teardown = useTeardown();
before(async () => {
  iss = teardown.add(await startTestIssuer());
  api = teardown.add(await startApi({ port: await freePort(), issuer: iss.issuer, appOrigin: 'http://localhost:5173' }));
  dir = await teardown.tempDir('todo-idem-');
});

/** A fresh user per test, so counts are exact. */
async function user(origin = api.origin): Promise<string> {
  return mint(iss, origin, { claims: { sub: `user-${crypto.randomUUID()}` } });
}
const key = (k: string): Record<string, string> => ({ 'Idempotency-Key': k });

describe('B9: Idempotency-Key replays', () => {
  it('B9: a POST replayed with the same key makes exactly one todo and answers the first 201 again', async () => {
    const t = await user();
    const first = await call(api.origin, t, 'POST', '/todos', { body: { title: 'milk' }, headers: key('k-1') });
    const again = await call(api.origin, t, 'POST', '/todos', { body: { title: 'milk' }, headers: key('k-1') });
    assert.equal(first.status, 201);
    assert.equal(again.status, 201);
    assert.equal(again.headers.get('etag'), first.headers.get('etag'));
    assert.deepEqual(await again.json(), await first.json());
    assert.equal((await listTodos(api.origin, t)).length, 1);
  });

  it('B9: ten concurrent POSTs with one key resolve to one application', async () => {
    const t = await user();
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => call(api.origin, t, 'POST', '/todos', { body: { title: 'once' }, headers: key('burst') })),
    );
    assert.deepEqual(
      answers.map((r) => r.status),
      Array(10).fill(201),
    );
    const ids = new Set(await Promise.all(answers.map(async (r) => ((await r.json()) as WireTodo).id)));
    assert.equal(ids.size, 1);
    assert.equal((await listTodos(api.origin, t)).length, 1);
  });

  it('B9: a replayed DELETE answers its first 204, not 404', async () => {
    const t = await user();
    const todo = (await (await call(api.origin, t, 'POST', '/todos', { body: { title: 'x' } })).json()) as WireTodo;
    const first = await call(api.origin, t, 'DELETE', `/todos/${todo.id}`, { headers: key('del-1') });
    const again = await call(api.origin, t, 'DELETE', `/todos/${todo.id}`, { headers: key('del-1') });
    assert.equal(first.status, 204);
    assert.equal(again.status, 204);
    assert.equal(await again.text(), '');
    const fresh = await call(api.origin, t, 'DELETE', `/todos/${todo.id}`, { headers: key('del-2') });
    assert.equal(fresh.status, 404, 'a new key sees that the todo is gone');
  });

  it('B9: a replayed PATCH whose If-Match is stale now still answers its first 200 and applies once', async () => {
    const t = await user();
    const todo = (await (await call(api.origin, t, 'POST', '/todos', { body: { title: 'x' } })).json()) as WireTodo;
    const patch = { body: { completed: true }, headers: { ...key('p-1'), 'If-Match': '"1"' } };
    const first = await call(api.origin, t, 'PATCH', `/todos/${todo.id}`, patch);
    const again = await call(api.origin, t, 'PATCH', `/todos/${todo.id}`, patch);
    assert.equal(first.status, 200);
    assert.equal(again.status, 200);
    assert.equal(again.headers.get('etag'), '"2"');
    assert.deepEqual(await again.json(), await first.json());
    assert.equal((await listTodos(api.origin, t))[0]?.version, 2, 'applied once');
  });

  it('B9: the same key with another body, path or method → 422 idempotency_key_reused, nothing applied', async () => {
    const t = await user();
    const todo = (await (await call(api.origin, t, 'POST', '/todos', { body: { title: 'a' }, headers: key('r') })).json()) as WireTodo;
    const refused = [
      await call(api.origin, t, 'POST', '/todos', { body: { title: 'b' }, headers: key('r') }),
      await call(api.origin, t, 'PATCH', `/todos/${todo.id}`, { body: { title: 'b' }, headers: key('r') }),
      await call(api.origin, t, 'DELETE', `/todos/${todo.id}`, { headers: key('r') }),
    ];
    for (const res of refused) {
      assert.equal(res.status, 422);
      assert.equal((await errorBody(res)).error, 'idempotency_key_reused');
    }
    assert.deepEqual(await listTodos(api.origin, t), [todo]);
  });

  it("B9: another user's key space is separate: the same key makes bob his own todo and shows him nothing of alice's", async () => {
    const alice = await user();
    const bob = await user();
    const a = await call(api.origin, alice, 'POST', '/todos', { body: { title: 'alice secret' }, headers: key('shared') });
    const b = await call(api.origin, bob, 'POST', '/todos', { body: { title: 'alice secret' }, headers: key('shared') });
    assert.equal(a.status, 201);
    assert.equal(b.status, 201, 'not a replay of alice’s answer');
    const [ta, tb] = [(await a.json()) as WireTodo, (await b.json()) as WireTodo];
    assert.notEqual(tb.id, ta.id);
    assert.deepEqual(
      (await listTodos(api.origin, bob)).map((x) => x.id),
      [tb.id],
    );
    assert.deepEqual(
      (await listTodos(api.origin, alice)).map((x) => x.id),
      [ta.id],
    );
  });

  it('B9: a request refused by validation does not use up its key: the fixed request succeeds with it', async () => {
    const t = await user();
    const bad = await call(api.origin, t, 'POST', '/todos', { body: { title: '' }, headers: key('fix-me') });
    assert.equal(bad.status, 400);
    const good = await call(api.origin, t, 'POST', '/todos', { body: { title: 'fixed' }, headers: key('fix-me') });
    assert.equal(good.status, 201);
  });

  it('B9: a 412 does not use up its key: the same request with the current If-Match then applies', async () => {
    const t = await user();
    const todo = (await (await call(api.origin, t, 'POST', '/todos', { body: { title: 'x' } })).json()) as WireTodo;
    const stale = await call(api.origin, t, 'PATCH', `/todos/${todo.id}`, { body: { title: 'y' }, headers: { ...key('c'), 'If-Match': '"7"' } });
    assert.equal(stale.status, 412);
    const ok = await call(api.origin, t, 'PATCH', `/todos/${todo.id}`, { body: { title: 'y' }, headers: { ...key('c'), 'If-Match': '"1"' } });
    assert.equal(ok.status, 200);
  });

  const malformed: Array<[string, string]> = [
    ['empty', ''],
    ['129 characters', 'k'.repeat(129)],
    ['a space inside', 'a b'],
    ['a non-ASCII character', 'caf\u00e9'],
  ];
  for (const [name, value] of malformed) {
    it(`B9: a malformed Idempotency-Key (${name}) → 400 invalid_request, nothing applied`, async () => {
      const t = await user();
      const res = await call(api.origin, t, 'POST', '/todos', { body: { title: 'x' }, headers: key(value) });
      assert.equal(res.status, 400);
      assert.equal((await errorBody(res)).error, 'invalid_request');
      assert.deepEqual(await listTodos(api.origin, t), []);
    });
  }

  it('B9: a 128-character key of visible ASCII is accepted', async () => {
    const t = await user();
    const k = '!~'.repeat(64);
    assert.equal((await call(api.origin, t, 'POST', '/todos', { body: { title: 'x' }, headers: key(k) })).status, 201);
  });
});

describe('B9: Idempotency-Key across a crash', () => {
  it('B9: a POST acknowledged just before SIGKILL is replayed after the restart: still one todo', async () => {
    const file = join(dir, 'killed.json');
    const env = { IDP_PORT: String(iss.port), TODO_DATA_FILE: file };
    const child = await spawnApi(env, await freePort());
    const t = await user(child.origin);
    const first = await call(child.origin, t, 'POST', '/todos', { body: { title: 'before the crash' }, headers: key('crash-1') });
    assert.equal(first.status, 201);
    child.proc.kill('SIGKILL');
    await child.exited;

    const restarted = await spawnApi(env, Number(new URL(child.origin).port));
    try {
      const again = await call(restarted.origin, t, 'POST', '/todos', { body: { title: 'before the crash' }, headers: key('crash-1') });
      assert.equal(again.status, 201);
      assert.deepEqual(await again.json(), await first.json());
      assert.equal(again.headers.get('etag'), first.headers.get('etag'));
      assert.equal((await listTodos(restarted.origin, t)).length, 1);
      const other = await call(restarted.origin, t, 'POST', '/todos', { body: { title: 'changed' }, headers: key('crash-1') });
      assert.equal(other.status, 422, 'the key is still bound to its first request');
    } finally {
      await restarted.stop();
    }
  });
});
