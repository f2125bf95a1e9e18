import { expect } from '@open-wc/testing';
import {
  baseFor,
  nextEntry,
  planConflict,
  planDropped,
  planResolved,
  planSaved,
  type Base,
  type OutboxEntry,
  type OutboxOp,
} from '../../src/app/outbox-plan.ts';
import type { Todo } from '../../src/app/todo-api.ts';

let seq = 0;
function entry(op: OutboxOp, base: Base, extra: Partial<OutboxEntry> = {}): OutboxEntry {
  seq++;
  return { seq, sub: 'alice', key: `k${seq}`, op, base, title: 'T', notBefore: 0, queuedAt: 0, ...extra };
}
const create = (todoId: string, title = 'T') => entry({ kind: 'create', todoId, title }, 'unversioned');
const rename = (todoId: string, base: Base, title = 'R') => entry({ kind: 'update', todoId, patch: { title } }, base);
const del = (todoId: string, base: Base, notBefore = 0) => entry({ kind: 'delete', todoId }, base, { notBefore });
const server = (id: string, version: number, title = 'T'): Todo => ({ id, title, completed: false, createdAt: 'x', updatedAt: 'x', version });

describe('outbox rules', () => {
  describe('baseFor: the version a change is made on', () => {
    it('is the version the user saw when nothing of that todo is queued', () => {
      expect(baseFor([], 'a', 3, undefined)).to.equal(3);
    });

    it('follows the previous queued change of the same todo', () => {
      expect(baseFor([rename('a', 3)], 'a', 3, undefined)).to.equal('chained');
      expect(baseFor([rename('b', 3)], 'a', 3, undefined)).to.equal(3);
    });

    it('is unconditional for a todo the API gave no version', () => {
      expect(baseFor([], 'a', undefined, undefined)).to.equal('unversioned');
    });

    it('rebases a view that had not caught up with the user’s own saved changes (no false conflict)', () => {
      const own = { sub: 'alice', todoId: 'a', from: 3, to: 5, at: 0 };
      expect(baseFor([], 'a', 3, own)).to.equal(5);
      expect(baseFor([], 'a', 4, own)).to.equal(5);
      // A version the user's own changes did not produce is someone else's: no rebase.
      expect(baseFor([], 'a', 2, own)).to.equal(2);
      expect(baseFor([], 'a', 6, own)).to.equal(6);
    });
  });

  describe('nextEntry: what goes now', () => {
    it('takes the queue in order', () => {
      const q = [create('p1'), rename('a', 1)];
      expect(nextEntry(q, 10)).to.deep.equal({ kind: 'send', entry: q[0] });
    });

    it('a delete in its Undo window holds that todo only, and says when it is due', () => {
      const q = [del('a', 1, 5_000), rename('a', 'chained'), rename('b', 1)];
      expect(nextEntry(q, 10)).to.deep.equal({ kind: 'send', entry: q[2] });
      expect(nextEntry(q.slice(0, 2), 10)).to.deep.equal({ kind: 'wait', until: 5_000 });
      expect(nextEntry(q, 5_000)).to.deep.equal({ kind: 'send', entry: q[0] });
    });

    it('a conflict holds its todo until the user decides, and is not "due" by time', () => {
      const c = { ...rename('a', 1), conflict: server('a', 2) };
      expect(nextEntry([c, rename('a', 'chained')], 10)).to.deep.equal({ kind: 'none' });
      const other = rename('b', 4);
      expect(nextEntry([c, other], 10)).to.deep.equal({ kind: 'send', entry: other });
    });

    it('an empty queue has nothing', () => {
      expect(nextEntry([], 0)).to.deep.equal({ kind: 'none' });
    });
  });

  describe('planSaved', () => {
    it('gives a create’s followers the server id, the next one the created version', () => {
      const c = create('pending-1');
      const r = rename('pending-1', 'chained');
      const t = entry({ kind: 'update', todoId: 'pending-1', patch: { completed: true } }, 'chained');
      const plan = planSaved([c, r, t], c, server('s1', 1), undefined, 0);
      expect(plan.del).to.deep.equal([c.seq]);
      expect(plan.put).to.deep.equal([
        { ...r, op: { ...r.op, todoId: 's1' }, base: 1 },
        { ...t, op: { ...t.op, todoId: 's1' } },
      ]);
    });

    it('the next change of the todo is made on the version this one produced', () => {
      const a = rename('a', 3);
      const b = rename('a', 'chained');
      const plan = planSaved([a, b, rename('c', 7)], a, server('a', 4), undefined, 0);
      expect(plan.put).to.deep.equal([{ ...b, base: 4 }]);
      expect(plan.own).to.include({ todoId: 'a', from: 3, to: 4 });
    });

    it('extends the range of the user’s own versions', () => {
      const a = rename('a', 4);
      const plan = planSaved([a], a, server('a', 5), { sub: 'alice', todoId: 'a', from: 3, to: 4, at: 0 }, 9);
      expect(plan.own).to.deep.equal({ sub: 'alice', todoId: 'a', from: 3, to: 5, at: 9 });
    });

    it('does nothing for an entry that is no longer queued (undone, or handled by another tab)', () => {
      const a = rename('a', 3);
      expect(planSaved([], a, server('a', 4), undefined, 0)).to.deep.equal({ put: [], del: [], dropped: [] });
    });
  });

  describe('planDropped', () => {
    it('gone (404): every queued change of that todo goes, with a list of them', () => {
      const a = rename('a', 3);
      const b = del('a', 'chained');
      const plan = planDropped([a, b, rename('c', 1)], a, 'gone');
      expect(plan.del).to.deep.equal([a.seq, b.seq]);
      expect(plan.dropped).to.deep.equal([a, b]);
    });

    it('a refused change goes alone; the one made on top of it is made on its base instead', () => {
      const a = rename('a', 3);
      const b = rename('a', 'chained');
      const plan = planDropped([a, b], a, 'refused');
      expect(plan.del).to.deep.equal([a.seq]);
      expect(plan.put).to.deep.equal([{ ...b, base: 3 }]);
    });

    it('a refused create takes its followers along (they have nothing to change)', () => {
      const c = create('pending-1');
      const r = rename('pending-1', 'chained');
      expect(planDropped([c, r], c, 'refused').del).to.deep.equal([c.seq, r.seq]);
    });
  });

  describe('conflicts', () => {
    it('planConflict keeps the entry, with the server’s version beside it', () => {
      const a = rename('a', 3);
      expect(planConflict([a], a, server('a', 5)).put).to.deep.equal([{ ...a, conflict: server('a', 5) }]);
    });

    it('"Keep mine" sends it again against the version that is there now, under a new key', () => {
      const a = { ...rename('a', 3), conflict: server('a', 5) };
      const { conflict: _, ...rest } = a;
      expect(planResolved([a], a, 'mine', 'k-new').put).to.deep.equal([{ ...rest, key: 'k-new', base: 5 }]);
    });

    it('"Keep theirs" drops the change and the ones made on top of it', () => {
      const a = { ...rename('a', 3), conflict: server('a', 5) };
      const b = rename('a', 'chained');
      const c = rename('c', 1);
      expect(planResolved([a, b, c], a, 'theirs', 'k-new').del).to.deep.equal([a.seq, b.seq]);
    });

    it('a change without a conflict cannot be "resolved"', () => {
      const a = rename('a', 3);
      expect(planResolved([a], a, 'theirs', 'k-new')).to.deep.equal({ put: [], del: [], dropped: [] });
    });
  });
});
