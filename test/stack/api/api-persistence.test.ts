/**
 * B9 "nothing is lost under concurrent writes": the file store, in process and across a SIGKILL of
 * the standalone API (test/stack/api/main.ts) while writes are in flight.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { freePort } from '../free-port.ts';
import { useTeardown } from '../teardown.ts';
import { openFileTodoStore } from './todo-file.ts';
import { API_MAIN, spawnApi as spawnChild, type ApiChild } from './spawn-api.ts';
import { bearer, JSON_HEADERS, mint, startTestIssuer, type TestIssuer } from './test-helpers.ts';

let dir: string;
let iss: TestIssuer;

const teardown = useTeardown();
before(async () => {
  dir = await teardown.tempDir('todo-api-');
  iss = teardown.add(await startTestIssuer());
});

function spawnApi(dataFile: string, apiPort: number): Promise<ApiChild> {
  return spawnChild({ IDP_PORT: String(iss.port), TODO_DATA_FILE: dataFile }, apiPort);
}

describe('B9: persistence', () => {
  it('B9: concurrent writes to the file store all land, and a reopened store has every one', async () => {
    const file = join(dir, 'inproc.json');
    const store = await openFileTodoStore(file);
    const created = await Promise.all(Array.from({ length: 50 }, (_, i) => store.create(i % 2 ? 'alice' : 'bob', `t${i}`)));
    const [first] = created;
    assert.ok(first !== undefined);
    await Promise.all([store.update('alice', created[1]?.id ?? '', { completed: true }), store.remove('bob', first.id)]);
    await store.close();

    const reopened = await openFileTodoStore(file);
    const alice = await reopened.list('alice');
    const bob = await reopened.list('bob');
    assert.equal(alice.length, 25);
    assert.equal(bob.length, 24);
    assert.equal(alice.find((t) => t.id === created[1]?.id)?.completed, true);
    assert.ok(!bob.some((t) => t.id === first.id));
    await reopened.close();
  });

  it('B9: a format-1 data file (todos without versions) loads with version 1 and is rewritten as format 2', async () => {
    const file = join(dir, 'format1.json');
    const old = {
      sub: 'alice',
      id: 'old-1',
      title: 'from before',
      completed: false,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    };
    await writeFile(file, JSON.stringify({ version: 1, todos: [old] }));
    const store = await openFileTodoStore(file);
    const { sub: _sub, ...expected } = old;
    assert.deepEqual(await store.list('alice'), [{ ...expected, version: 1 }]);
    assert.equal((await store.update('alice', 'old-1', { completed: true }, { ifMatch: 1 })).version, 2);
    await store.close();
    const saved = JSON.parse(await readFile(file, 'utf8')) as { version: number; todos: Array<{ version: number }> };
    assert.equal(saved.version, 2);
    assert.equal(saved.todos[0]?.version, 2);
  });

  it('B9: SIGKILL while writes are in flight loses no acknowledged todo; the file stays valid JSON', async (t) => {
    const file = join(dir, 'killed', 'todos.json');
    const port = await freePort();
    const child = await spawnApi(file, port);
    const token = await mint(iss, child.origin);
    const acknowledged = new Set<string>();
    let started = 0;
    let inFlightAtKill = -1;
    const KILL_AFTER = 40;
    const PARALLEL = 12;

    // Keep PARALLEL POSTs in flight; SIGKILL at the KILL_AFTER-th acknowledgement.
    await new Promise<void>((done) => {
      let killed = false;
      let open = 0;
      const launch = (): void => {
        if (killed) {
          if (open === 0) done();
          return;
        }
        started += 1;
        open += 1;
        fetch(`${child.origin}/todos`, {
          method: 'POST',
          headers: { ...bearer(token), ...JSON_HEADERS },
          body: JSON.stringify({ title: `todo ${started}` }),
        })
          .then(async (res) => {
            if (res.status === 201) acknowledged.add(((await res.json()) as { id: string }).id);
          })
          .catch(() => undefined) // the connection dies with the process
          .finally(() => {
            open -= 1;
            if (!killed && acknowledged.size >= KILL_AFTER) {
              killed = true;
              inFlightAtKill = open;
              child.proc.kill('SIGKILL');
            }
            launch();
          });
      };
      for (let i = 0; i < PARALLEL; i++) launch();
    });
    await child.exited;
    assert.ok(acknowledged.size >= KILL_AFTER);
    assert.ok(inFlightAtKill > 0, 'requests were in flight when the process was killed');

    const text = await readFile(file, 'utf8');
    assert.doesNotThrow(() => JSON.parse(text), 'the data file is valid JSON');

    const restarted = await spawnApi(file, await freePort());
    try {
      const res = await fetch(`${restarted.origin}/todos`, { headers: bearer(await mint(iss, restarted.origin)) });
      assert.equal(res.status, 200);
      const ids = new Set(((await res.json()) as Array<{ id: string }>).map((t) => t.id));
      const lost = [...acknowledged].filter((id) => !ids.has(id));
      t.diagnostic(`started ${started}, acknowledged ${acknowledged.size}, in flight at kill ${inFlightAtKill}, on disk ${ids.size}`);
      assert.deepEqual(lost, [], 'acknowledged todos were lost');
      assert.ok(ids.size <= started);
      // The restart cleaned up temp files left by the killed writer.
      assert.deepEqual(
        (await readdir(join(dir, 'killed'))).filter((n) => n.endsWith('.tmp')),
        [],
      );
    } finally {
      restarted.proc.kill('SIGTERM');
      await restarted.exited;
    }
  });

  it('main.ts names API_PORT when the port is taken', async () => {
    const port = await freePort();
    const first = await spawnApi(join(dir, 'port.json'), port);
    try {
      const second = spawn(process.execPath, ['--import', 'tsx', API_MAIN], {
        env: { ...process.env, API_PORT: String(port), IDP_PORT: String(iss.port) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      second.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const code = await new Promise<number | null>((r) => second.once('exit', r));
      assert.equal(code, 1);
      assert.match(stderr, /API_PORT/);
    } finally {
      first.proc.kill('SIGTERM');
      await first.exited;
    }
  });
});
