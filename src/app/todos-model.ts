/**
 * The list controller's state as plain data, and what a sender report does to it (pure, so each
 * rule is testable and the controller keeps only the effects: storage, network, broadcasts).
 */
import type { OutboxOp, OutboxEntry } from './outbox-plan.ts';
import type { SendReport } from './outbox-sender.ts';
import type { Todo } from './todo-api.ts';
import type { Notice, TodoOp, TodosSnapshot, TodosState } from './todos-state.ts';
import { mergeView } from './todo-view.ts';

/** The list's lifecycle before the queue is laid over it. */
export type LoadState = Exclude<TodosState, { kind: 'ready' }> | { readonly kind: 'ready' };

export interface Model {
  readonly load: LoadState;
  /** The list as the API last gave it (or as this tab's own saved changes left it). */
  readonly base: readonly Todo[];
  readonly queued: readonly OutboxEntry[];
  readonly readOnly: boolean;
  readonly sessionExpired: boolean;
  readonly notice: Notice | null;
  /** The last attempt to send failed, or sending was not possible. */
  readonly waiting: boolean;
}

export const INITIAL: Model = { load: { kind: 'idle' }, base: [], queued: [], readOnly: false, sessionExpired: false, notice: null, waiting: false };

/** Which of the user's actions a queued change came from (for messages). */
export function todoOp(op: OutboxOp): TodoOp {
  if (op.kind === 'create') return 'add';
  if (op.kind === 'delete') return 'delete';
  return op.patch.title === undefined ? 'toggle' : 'edit';
}

export function putTodo(base: readonly Todo[], todo: Todo): readonly Todo[] {
  const i = base.findIndex((t) => t.id === todo.id);
  return i < 0 ? [...base, todo] : base.map((t, j) => (j === i ? todo : t));
}

const without = (base: readonly Todo[], id: string) => base.filter((t) => t.id !== id);

export function afterReport(m: Model, r: SendReport): Model {
  switch (r.kind) {
    case 'saved': {
      const { entry, todo } = r;
      const base = todo ? putTodo(m.base, todo) : without(m.base, entry.op.todoId);
      return { ...m, base, queued: m.queued.filter((e) => e.seq !== entry.seq), waiting: false };
    }
    case 'conflict':
      // The list shows the server's version with the user's change on top: what "Keep mine" gives.
      return { ...m, base: putTodo(m.base, r.theirs), waiting: false };
    case 'dropped': {
      const first = r.entries[0];
      if (!first) return m;
      return {
        ...m,
        base: r.code === 'not_found' ? without(m.base, first.op.todoId) : m.base,
        readOnly: m.readOnly || r.code === 'forbidden',
        notice: { op: todoOp(first.op), title: first.title, code: r.code },
      };
    }
    case 'waiting':
      return { ...m, waiting: true, sessionExpired: m.sessionExpired || r.code === 'unauthorized' };
    case 'idle':
      return { ...m, waiting: false };
  }
}

/** `keys`: server id -> the temporary id this tab showed a todo under (todo-view.ts). */
export function snapshotOf(m: Model, now: number, keys: ReadonlyMap<string, string>): TodosSnapshot {
  const common = {
    readOnly: m.readOnly,
    sessionExpired: m.sessionExpired,
    notice: m.notice,
    queued: m.queued.length,
    waiting: m.waiting && m.queued.length > 0,
  };
  if (m.load.kind !== 'ready') return { ...common, state: m.load, conflicts: [], undo: [] };
  const { todos, conflicts, undo } = mergeView(m.base, m.queued, m.waiting, now, keys);
  return { ...common, state: { kind: 'ready', todos }, conflicts, undo };
}
