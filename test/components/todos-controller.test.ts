import { expect, waitUntil } from '@open-wc/testing';
import { openOutbox, OutboxError, type OutboxStore } from '../../src/app/outbox-store.ts';
import { TodosController } from '../../src/app/todos-controller.ts';
import { FakeApi } from './fake-api.ts';
import { deleteDatabase, todo } from './helpers.ts';

const DB = 'todo-outbox-controller-test';
const until = (cond: () => boolean, what: string) => waitUntil(cond, what, { timeout: 10000 });

describe('todos controller', () => {
  let controllers: TodosController[] = [];
  function controller(api: FakeApi, store: OutboxStore = openOutbox(DB)): TodosController {
    const c = new TodosController({
      api,
      sub: 'alice',
      blocked: () => null,
      store,
      channel: () => ({ post: () => undefined, close: () => undefined }),
    });
    controllers.push(c);
    return c;
  }

  beforeEach(() => deleteDatabase(DB));
  afterEach(async () => {
    for (const c of controllers) {
      await c.sent;
      c.dispose();
    }
    controllers = [];
  });

  it('a browser that will not keep the change: add says no, nothing is shown as added, the user is told', async () => {
    const real = openOutbox(DB);
    const refusing: OutboxStore = { ...real, enqueue: () => Promise.reject(new OutboxError('quota')) };
    const c = controller(new FakeApi(), refusing);
    await c.load();
    expect(await c.add('Water plants')).to.equal(false);
    expect(c.snapshot.state).to.deep.equal({ kind: 'ready', todos: [] });
    expect(c.snapshot.notice).to.deep.equal({ op: 'add', title: 'Water plants', code: 'storage' });
  });

  it('a 401 while sending keeps the change and says the session is gone (sign in again sends it)', async () => {
    const api = new FakeApi();
    const c = controller(api);
    await c.load();
    api.down = 'unauthorized';
    await c.add('Water plants');
    await until(() => c.snapshot.sessionExpired, 'session expired');
    expect(c.snapshot.queued).to.equal(1);
    api.down = null;
    await until(() => api.titles().length === 1, 'sent on retry');
  });

  it('a 403 while sending drops the change and turns the list read-only', async () => {
    const api = new FakeApi([todo('Buy milk', { id: 'a' })]);
    const c = controller(api);
    await c.load();
    api.failNext.update = 'forbidden';
    await c.toggle('a', true);
    await until(() => c.snapshot.readOnly, 'read-only');
    expect(c.snapshot.notice).to.deep.equal({ op: 'toggle', title: 'Buy milk', code: 'forbidden' });
    expect(await c.add('Anything')).to.equal(false);
  });

  it('an Undo that finds the delete already sent says so', async () => {
    const api = new FakeApi([todo('Buy milk', { id: 'a' })]);
    const store = openOutbox(DB);
    const c = controller(api, store);
    await c.load();
    await c.remove('a');
    const offer = c.snapshot.undo[0]!;
    // Another tab sent it meanwhile.
    await store.take(offer.seq);
    expect(await c.undo(offer.seq)).to.equal(null);
    expect(c.snapshot.notice).to.deep.equal({ op: 'delete', title: 'Buy milk', code: 'too_late' });
  });

  it('a failed load says whether it retries by itself', async () => {
    const api = new FakeApi();
    api.down = 'forbidden';
    const c = controller(api);
    await c.load();
    expect(c.snapshot.state).to.deep.equal({ kind: 'error', code: 'forbidden', retrying: false });
    api.down = 'unreachable';
    await c.load();
    expect(c.snapshot.state).to.deep.equal({ kind: 'error', code: 'unreachable', retrying: true });
  });
});
