import { expect } from '@open-wc/testing';
import type { NewEntry } from '../../src/app/outbox-plan.ts';
import { openOutbox, OUTBOX_DB, OutboxError, type OutboxStore } from '../../src/app/outbox-store.ts';
import { deleteDatabase } from './helpers.ts';

const DB = 'todo-outbox-store-test';
const change = (sub: string, todoId: string, title: string): NewEntry => ({
  sub,
  key: crypto.randomUUID(),
  op: { kind: 'update', todoId, patch: { title } },
  title,
  notBefore: 0,
  queuedAt: 0,
});
const server = (id: string, version: number) => ({ id, title: 'x', completed: false, createdAt: 'x', updatedAt: 'x', version });

/** Every record of every store of `name`, read with plain IndexedDB (as page script could). */
async function dump(name: string): Promise<unknown[]> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const r = indexedDB.open(name);
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error(`opening ${name} failed`));
  });
  const out: unknown[] = [];
  for (const s of db.objectStoreNames) {
    out.push(
      ...(await new Promise<unknown[]>((resolve) => {
        const r = db.transaction(s).objectStore(s).getAll();
        r.onsuccess = () => resolve(r.result);
      })),
    );
  }
  db.close();
  return out;
}

describe('outbox store (IndexedDB)', () => {
  let stores: OutboxStore[] = [];
  const open = () => {
    const s = openOutbox(DB);
    stores.push(s);
    return s;
  };

  beforeEach(() => deleteDatabase(DB));
  afterEach(() => {
    for (const s of stores) s.close();
    stores = [];
  });

  it('is its own database, apart from the SW’s sw-token-vault', () => {
    expect(OUTBOX_DB).to.equal('todo-outbox');
  });

  it('keeps the queue in order across a reload (a new store on the same database)', async () => {
    const first = open();
    await first.enqueue(change('alice', 'a', 'one'), 1);
    await first.enqueue(change('alice', 'b', 'two'), 1);
    first.close();
    const titles = (await open().entries('alice')).map((e) => e.title);
    expect(titles).to.deep.equal(['one', 'two']);
  });

  it('gives each user only their own entries', async () => {
    const s = open();
    await s.enqueue(change('alice', 'a', 'hers'), 1);
    await s.enqueue(change('bob', 'b', 'his'), 1);
    expect((await s.entries('bob')).map((e) => e.title)).to.deep.equal(['his']);
  });

  it('chains a second change of the same todo on the first', async () => {
    const s = open();
    const first = await s.enqueue(change('alice', 'a', 'one'), 3);
    const second = await s.enqueue(change('alice', 'a', 'two'), 3);
    expect([first.base, second.base]).to.deep.equal([3, 'chained']);
    await s.saved(first, server('a', 4));
    expect((await s.entries('alice')).map((e) => e.base)).to.deep.equal([4]);
  });

  it('a change made after the first was saved, on a view that still showed the old version, is made on the new one', async () => {
    const s = open();
    const first = await s.enqueue(change('alice', 'a', 'one'), 3);
    await s.saved(first, server('a', 4));
    expect((await s.enqueue(change('alice', 'a', 'two'), 3)).base).to.equal(4);
  });

  it('take() removes an entry once (Undo), and says when it was already gone', async () => {
    const s = open();
    const e = await s.enqueue(change('alice', 'a', 'one'), 1);
    expect((await s.take(e.seq))?.title).to.equal('one');
    expect(await s.take(e.seq)).to.equal(null);
    expect(await s.entries('alice')).to.deep.equal([]);
  });

  it('holds todo data only: no field that could carry a token', async () => {
    const s = open();
    const e = await s.enqueue(change('alice', 'a', 'one'), 1);
    await s.saved(e, server('a', 2));
    await s.enqueue(change('alice', 'b', 'two'), 1);
    const fields = new Set((await dump(DB)).flatMap((r) => Object.keys(r as object)));
    for (const f of fields) expect(['seq', 'sub', 'key', 'op', 'base', 'title', 'notBefore', 'queuedAt', 'todoId', 'from', 'to', 'at']).to.include(f);
  });

  it('skips a malformed record that page script wrote, instead of sending it', async () => {
    const s = open();
    await s.enqueue(change('alice', 'a', 'one'), 1);
    const db = await new Promise<IDBDatabase>((resolve) => {
      const r = indexedDB.open(DB);
      r.onsuccess = () => resolve(r.result);
    });
    await new Promise((resolve) => {
      const tx = db.transaction('entries', 'readwrite');
      tx.objectStore('entries').add({ sub: 'alice', op: 'garbage' });
      tx.oncomplete = resolve;
    });
    db.close();
    expect((await s.entries('alice')).map((e) => e.title)).to.deep.equal(['one']);
  });

  it('a closed store fails with the storage code instead of reopening behind the app’s back', async () => {
    const s = open();
    s.close();
    const err = await s.entries('alice').catch((e: unknown) => e);
    expect(err).to.be.instanceOf(OutboxError).and.include({ code: 'storage' });
  });
});
