/** Idempotency records in the store with a frozen clock: the 24 h TTL, the per-user cap, one batch, the file. */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { useTeardown } from '../teardown.ts';
import { ApiError } from './errors.ts';
import { IDEMPOTENCY_TTL_MS, MAX_IDEMPOTENCY_KEYS_PER_USER, requestFingerprint } from './idempotency.ts';
import { openFileTodoStore } from './todo-file.ts';
import { QueuedTodoStore } from './todo-store.ts';

const claim = (key: string, body = key) => ({
  idempotency: { key, fingerprint: requestFingerprint('POST', '/todos', Buffer.from(body)) },
});

let dir: string;
const teardown = useTeardown();
before(async () => {
  dir = await teardown.tempDir('todo-idem-units-');
});

describe('B9: idempotency record bounds', () => {
  it('B9: a key is remembered for 24 h and forgotten at 24 h', async () => {
    let now = 1_700_000_000_000;
    const store = new QueuedTodoStore({ now: () => now });
    const first = await store.create('alice', 'a', claim('k'));
    now += IDEMPOTENCY_TTL_MS - 1;
    assert.equal((await store.create('alice', 'a', claim('k'))).id, first.id, 'replayed within the TTL');
    now += 1;
    assert.notEqual((await store.create('alice', 'a', claim('k'))).id, first.id, 'a new write after the TTL');
    assert.equal((await store.list('alice')).length, 2);
  });

  it('B9: at most maxKeysPerUser keys per user, the oldest forgotten first (default 1000)', async () => {
    assert.equal(MAX_IDEMPOTENCY_KEYS_PER_USER, 1_000);
    const store = new QueuedTodoStore({ maxKeysPerUser: 2 });
    const a = await store.create('alice', 'a', claim('a'));
    const b = await store.create('alice', 'b', claim('b'));
    await store.create('alice', 'c', claim('c'));
    assert.equal((await store.create('alice', 'b', claim('b'))).id, b.id, 'b is still remembered');
    assert.notEqual((await store.create('alice', 'a', claim('a'))).id, a.id, 'a was forgotten');
    await store.create('bob', 'x', claim('x'));
    assert.equal((await store.create('alice', 'c', claim('c'))).title, 'c', "bob's keys do not evict alice's");
  });

  it('B9: the same key with another fingerprint is refused with idempotency_key_reused', async () => {
    const store = new QueuedTodoStore();
    await store.create('alice', 'a', claim('k', 'one'));
    await assert.rejects(store.create('alice', 'a', claim('k', 'two')), (e: unknown) => e instanceof ApiError && e.code === 'idempotency_key_reused');
  });
});

describe('B9: idempotency with the file store', () => {
  it('B9: concurrent writes with one key in one batch apply once; the record is in the same file as the todo', async () => {
    const file = join(dir, 'batch.json');
    const store = await openFileTodoStore(file);
    const results = await Promise.all(Array.from({ length: 10 }, () => store.create('alice', 'once', claim('same'))));
    assert.equal(new Set(results.map((r) => r.id)).size, 1);
    await store.close();

    const saved = JSON.parse(await readFile(file, 'utf8')) as { version: number; todos: unknown[]; idempotency: Array<{ key: string; sub: string }> };
    assert.equal(saved.version, 2);
    assert.equal(saved.todos.length, 1);
    assert.deepEqual(
      saved.idempotency.map((r) => [r.sub, r.key]),
      [['alice', 'same']],
    );

    const reopened = await openFileTodoStore(file);
    assert.equal((await reopened.create('alice', 'once', claim('same'))).id, results[0]?.id);
    assert.equal((await reopened.list('alice')).length, 1);
    await reopened.close();
  });

  it('B9: records older than 24 h are dropped when the file is loaded', async () => {
    const file = join(dir, 'ttl.json');
    let now = 1_700_000_000_000;
    const store = await openFileTodoStore(file, { now: () => now });
    await store.create('alice', 'a', claim('old'));
    await store.close();
    now += IDEMPOTENCY_TTL_MS;
    const reopened = await openFileTodoStore(file, { now: () => now });
    await reopened.create('alice', 'b', claim('other'));
    await reopened.close();
    const saved = JSON.parse(await readFile(file, 'utf8')) as { idempotency: Array<{ key: string }> };
    assert.deepEqual(
      saved.idempotency.map((r) => r.key),
      ['other'],
    );
  });
});
