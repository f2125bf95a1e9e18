import { expect } from '@open-wc/testing';
import type { OutboxEntry, OutboxOp } from '../../src/app/outbox-plan.ts';
import { mergeView, SEND_GRACE_MS } from '../../src/app/todo-view.ts';
import type { Todo } from '../../src/app/todo-api.ts';

let seq = 0;
const queued = (op: OutboxOp, extra: Partial<OutboxEntry> = {}): OutboxEntry => ({
  seq: ++seq,
  sub: 'alice',
  key: `k${seq}`,
  op,
  base: 'chained',
  title: 'T',
  notBefore: 0,
  queuedAt: Date.UTC(2026, 10, 26),
  ...extra,
});
const saved = (id: string, title: string, version = 1): Todo => ({ id, title, completed: false, createdAt: 'x', updatedAt: 'x', version });
const shown = (m: ReturnType<typeof mergeView>) => m.todos.map((t) => `${t.title}:${t.completed ? 'done' : 'open'}:${t.pending}`);

describe('todo view: the API’s list with the queue laid over it', () => {
  it('marks queued changes "saving" while sending works, "queued" while it waits', () => {
    const q = [queued({ kind: 'create', todoId: 'pending-1', title: 'Bread' }), queued({ kind: 'update', todoId: 'a', patch: { completed: true } })];
    expect(shown(mergeView([saved('a', 'Milk')], q, false, 0))).to.deep.equal(['Milk:done:saving', 'Bread:open:saving']);
    expect(shown(mergeView([saved('a', 'Milk')], q, true, 0))).to.deep.equal(['Milk:done:queued', 'Bread:open:queued']);
  });

  it('shows nothing as saved that was not', () => {
    const m = mergeView([saved('a', 'Milk')], [queued({ kind: 'update', todoId: 'a', patch: { title: 'Oat milk' } })], true, 0);
    expect(m.todos[0]).to.include({ title: 'Oat milk', pending: 'queued' });
  });

  it('a queued delete hides the todo and offers Undo until its window closes', () => {
    const d = queued({ kind: 'delete', todoId: 'a' }, { notBefore: 10_000 });
    const open = mergeView([saved('a', 'Milk')], [d], false, 1_000);
    expect(open.todos).to.deep.equal([]);
    expect(open.undo).to.deep.equal([{ seq: d.seq, todoId: 'a', title: 'Milk', until: 10_000 - SEND_GRACE_MS }]);
    expect(mergeView([saved('a', 'Milk')], [d], false, 10_000 - SEND_GRACE_MS).undo).to.deep.equal([]);
  });

  it('a conflict shows the server’s version and the user’s, and marks the todo', () => {
    const theirs = saved('a', 'Oat milk', 2);
    const c = queued({ kind: 'update', todoId: 'a', patch: { completed: true } }, { conflict: theirs });
    const m = mergeView([theirs], [c], false, 0);
    expect(shown(m)).to.deep.equal(['Oat milk:done:conflict']);
    expect(m.conflicts).to.have.length(1);
    expect(m.conflicts[0]!.theirs).to.equal(theirs);
    expect(m.conflicts[0]!.mine).to.deep.include({ title: 'Oat milk', completed: true });
  });

  it('a conflicting delete: "mine" is no todo at all', () => {
    const theirs = saved('a', 'Oat milk', 2);
    const m = mergeView([theirs], [queued({ kind: 'delete', todoId: 'a' }, { conflict: theirs })], false, 0);
    expect(m.conflicts[0]!.mine).to.equal(null);
  });

  it('a todo created here keeps its key when it gets its server id', () => {
    const m = mergeView([saved('s1', 'Bread')], [], false, 0, new Map([['s1', 'pending-1']]));
    expect(m.todos[0]).to.include({ id: 's1', key: 'pending-1' });
  });

  it('ignores a change of a todo that is gone (the API will say so)', () => {
    expect(shown(mergeView([], [queued({ kind: 'update', todoId: 'x', patch: { title: 'y' } })], false, 0))).to.deep.equal([]);
  });
});
