import { expect, waitUntil } from '@open-wc/testing';
import type { NewEntry, OutboxOp } from '../../src/app/outbox-plan.ts';
import { OutboxSender, type Blocked, type SendReport } from '../../src/app/outbox-sender.ts';
import { openOutbox, type OutboxStore } from '../../src/app/outbox-store.ts';
import { FakeApi } from './fake-api.ts';
import { deleteDatabase, todo } from './helpers.ts';

const DB = 'todo-outbox-sender-test';
const until = (cond: () => boolean, what: string) => waitUntil(cond, what, { timeout: 10000 });

interface Rig {
  readonly store: OutboxStore;
  readonly api: FakeApi;
  readonly sender: OutboxSender;
  readonly reports: SendReport[];
  blocked: Blocked | null;
  queue(op: OutboxOp, seen?: number, sub?: string, notBefore?: number): Promise<void>;
  run(): Promise<void>;
}

describe('outbox sender', () => {
  let rigs: Rig[] = [];

  function rig(api = new FakeApi(), sub = 'alice'): Rig {
    const store = openOutbox(DB);
    const r: Rig = {
      store,
      api,
      reports: [],
      blocked: null,
      sender: new OutboxSender({ store, api, sub, blocked: () => r.blocked, report: (x) => r.reports.push(x) }),
      async queue(op, seen, who = sub, notBefore = 0) {
        const e: NewEntry = { sub: who, key: crypto.randomUUID(), op, title: 'T', notBefore, queuedAt: 0 };
        await store.enqueue(e, seen);
      },
      async run() {
        r.sender.run();
        await r.sender.settled;
      },
    };
    rigs.push(r);
    return r;
  }

  beforeEach(() => deleteDatabase(DB));
  afterEach(async () => {
    for (const r of rigs) {
      r.sender.dispose();
      r.api.release();
      await r.sender.settled;
      r.store.close();
    }
    rigs = [];
  });

  it('sends adds, renames, toggles and deletes in order, each with its own key and If-Match', async () => {
    const api = new FakeApi([todo('Milk', { id: 'a', version: 3 })]);
    const r = rig(api);
    await r.queue({ kind: 'create', todoId: 'pending-1', title: 'Bread' });
    await r.queue({ kind: 'update', todoId: 'pending-1', patch: { title: 'Rye bread' } });
    await r.queue({ kind: 'update', todoId: 'a', patch: { completed: true } }, 3);
    await r.queue({ kind: 'delete', todoId: 'pending-1' });
    await r.run();
    expect(api.sent.map((c) => [c.method, c.ifMatch])).to.deep.equal([
      ['create', undefined],
      ['update', 1],
      ['update', 3],
      ['remove', 2],
    ]);
    expect(new Set(api.sent.map((c) => c.key)).size).to.equal(4);
    expect(api.todos.map((t) => [t.title, t.completed])).to.deep.equal([['Milk', true]]);
    expect(await r.store.entries('alice')).to.deep.equal([]);
  });

  it('an answer lost on the way is retried with the same key: applied once', async () => {
    const api = new FakeApi();
    api.loseNextAnswer.create = true;
    const r = rig(api);
    await r.queue({ kind: 'create', todoId: 'pending-1', title: 'Bread' });
    r.sender.run();
    await until(() => api.calls.create === 2, 'retried by itself');
    await r.sender.settled;
    expect(api.sent[0]!.key).to.equal(api.sent[1]!.key);
    expect(api.titles()).to.deep.equal(['Bread']);
    expect(r.reports.map((x) => x.kind)).to.deep.equal(['waiting', 'saved', 'idle']);
  });

  for (const code of ['unreachable', 'server', 'unauthorized', 'bad_response'] as const) {
    it(`${code}: keeps the entry and tries again later`, async () => {
      const api = new FakeApi();
      api.failNext.create = code;
      const r = rig(api);
      await r.queue({ kind: 'create', todoId: 'pending-1', title: 'Bread' });
      await r.run();
      expect(r.reports[0]).to.deep.equal({ kind: 'waiting', code });
      expect(await r.store.entries('alice')).to.have.length(1);
      await until(() => api.titles().length === 1, 'sent on retry');
    });
  }

  it('412: a conflict for the user; nothing more of that todo is sent, other todos go on', async () => {
    const api = new FakeApi([todo('Milk', { id: 'a', version: 1 }), todo('Eggs', { id: 'b', version: 1 })]);
    const theirs = api.changeElsewhere('a', { title: 'Oat milk' });
    const r = rig(api);
    await r.queue({ kind: 'update', todoId: 'a', patch: { completed: true } }, 1);
    await r.queue({ kind: 'update', todoId: 'a', patch: { title: 'Soy milk' } }, 1);
    await r.queue({ kind: 'update', todoId: 'b', patch: { completed: true } }, 1);
    await r.run();
    expect(r.reports[0]).to.deep.include({ kind: 'conflict', theirs });
    expect(api.sent.map((c) => c.id)).to.deep.equal(['a', 'b']);
    const left = await r.store.entries('alice');
    expect(left.map((e) => e.conflict?.title ?? null)).to.deep.equal(['Oat milk', null]);
  });

  it('404 on a change: deleted elsewhere, dropped with the changes made on top of it', async () => {
    const r = rig(new FakeApi());
    await r.queue({ kind: 'update', todoId: 'gone', patch: { title: 'x' } }, 1);
    await r.queue({ kind: 'delete', todoId: 'gone' });
    await r.run();
    const dropped = r.reports[0] as Extract<SendReport, { kind: 'dropped' }>;
    expect([dropped.kind, dropped.code, dropped.entries.length]).to.deep.equal(['dropped', 'not_found', 2]);
    expect(await r.store.entries('alice')).to.deep.equal([]);
  });

  for (const code of ['invalid', 'forbidden'] as const) {
    it(`${code}: dropped and reported (the user is told)`, async () => {
      const api = new FakeApi();
      api.failNext.create = code;
      const r = rig(api);
      await r.queue({ kind: 'create', todoId: 'pending-1', title: 'Bread' });
      await r.run();
      expect(r.reports[0]).to.deep.include({ kind: 'dropped', code });
      expect(await r.store.entries('alice')).to.deep.equal([]);
    });
  }

  it('sends nothing while blocked (offline, session not signed in), and says it waits', async () => {
    const r = rig();
    r.blocked = 'offline';
    await r.queue({ kind: 'create', todoId: 'pending-1', title: 'Bread' });
    await r.run();
    expect(r.api.calls.create).to.equal(0);
    expect(r.reports).to.deep.equal([{ kind: 'waiting', code: 'offline' }]);
    r.blocked = null;
    await r.run();
    expect(r.api.titles()).to.deep.equal(['Bread']);
  });

  it('never sends another user’s entries', async () => {
    const r = rig(new FakeApi(), 'alice');
    await r.queue({ kind: 'create', todoId: 'pending-1', title: 'Bob’s' }, undefined, 'bob');
    await r.run();
    expect(r.api.calls.create).to.equal(0);
  });

  it('a delete waits for its not-before time (the Undo window), then goes by itself', async () => {
    const api = new FakeApi([todo('Milk', { id: 'a', version: 1 })]);
    const r = rig(api);
    await r.queue({ kind: 'delete', todoId: 'a' }, 1, 'alice', Date.now() + 300);
    await r.run();
    expect(api.calls.remove).to.equal(0);
    await until(() => api.todos.length === 0, 'deleted when due');
  });

  it('two tabs (two senders, one database) send each change once, one at a time (Web Locks)', async () => {
    const api = new FakeApi();
    const a = rig(api);
    const b = rig(api);
    for (let i = 0; i < 5; i++) await a.queue({ kind: 'create', todoId: `pending-${i}`, title: `T${i}` });
    a.sender.run();
    b.sender.run();
    await Promise.all([a.sender.settled, b.sender.settled]);
    expect(api.calls.create).to.equal(5);
    expect(api.titles()).to.deep.equal(['T0', 'T1', 'T2', 'T3', 'T4']);
  });
});
