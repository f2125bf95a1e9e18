/**
 * What the list shows: the API's todos with this user's queued changes laid over them, each
 * marked truthfully (issue 9 item 3): saved, being saved, or not saved yet. Pure, so every
 * combination is testable.
 */
import type { OutboxEntry } from './outbox-plan.ts';
import type { Todo } from './todo-api.ts';

/**
 * `saving`: queued and the app is sending now; `queued`: queued while sending is not possible
 * (offline, API down, session reconnecting); `conflict`: changed elsewhere, the user decides.
 */
export type Pending = 'saved' | 'saving' | 'queued' | 'conflict';

export interface TodoView extends Todo {
  readonly pending: Pending;
  /**
   * Stays the same when a todo created here gets its server id, so the element showing it (and a
   * rename the user is typing into it) is kept.
   */
  readonly key: string;
}

/** A 412 waiting for the user: the server's version and what keeping the user's would give. */
export interface ConflictView {
  readonly entry: OutboxEntry;
  readonly theirs: Todo;
  /** The todo with the user's queued changes; null when the user's change deletes it. */
  readonly mine: Todo | null;
}

/** A delete that can still be taken back. */
export interface UndoOffer {
  readonly seq: number;
  readonly todoId: string;
  readonly title: string;
  /** Epoch ms. */
  readonly until: number;
}

/** Delete offers Undo this long (issue 9 item 6). */
export const UNDO_MS = 5_000;
/**
 * A delete is sent only this long after its Undo closed, so an Undo clicked at the last moment
 * can never race the request that deletes it.
 */
export const SEND_GRACE_MS = 1_000;

/** Ids the page gives todos it created before the API did. */
export const TEMP_PREFIX = 'pending-';

export interface Merged {
  readonly todos: readonly TodoView[];
  readonly conflicts: readonly ConflictView[];
  readonly undo: readonly UndoOffer[];
}

const rank: Record<Pending, number> = { saved: 0, saving: 1, queued: 2, conflict: 3 };

/** `keys`: server id -> the temporary id this page showed it under before. */
export function mergeView(
  base: readonly Todo[],
  queued: readonly OutboxEntry[],
  waiting: boolean,
  now: number,
  keys: ReadonlyMap<string, string> = new Map(),
): Merged {
  const list: (TodoView | null)[] = base.map((t) => ({ ...t, pending: 'saved', key: keys.get(t.id) ?? t.id }));
  const at = new Map(base.map((t, i) => [t.id, i]));
  const undo: UndoOffer[] = [];
  const conflicted: OutboxEntry[] = [];
  for (const e of queued) {
    const pending: Pending = e.conflict ? 'conflict' : waiting ? 'queued' : 'saving';
    if (e.conflict) conflicted.push(e);
    const { op } = e;
    if (op.kind === 'create') {
      const when = new Date(e.queuedAt).toISOString();
      at.set(op.todoId, list.length);
      list.push({ id: op.todoId, title: op.title, completed: false, createdAt: when, updatedAt: when, pending, key: op.todoId });
      continue;
    }
    const i = at.get(op.todoId);
    const t = i === undefined ? null : list[i];
    // Gone already (deleted here or elsewhere): the API's 404 will say so.
    if (!t || i === undefined) continue;
    if (op.kind === 'delete') {
      list[i] = null;
      const until = e.notBefore - SEND_GRACE_MS;
      if (!e.conflict && until > now) undo.push({ seq: e.seq, todoId: op.todoId, title: t.title, until });
    } else {
      list[i] = { ...t, ...op.patch, pending: rank[pending] > rank[t.pending] ? pending : t.pending };
    }
  }
  const todos = list.filter((t): t is TodoView => t !== null);
  const conflicts = conflicted.flatMap((entry): ConflictView[] => {
    const mine = todos.find((t) => t.id === entry.op.todoId);
    return entry.conflict ? [{ entry, theirs: entry.conflict, mine: mine ? strip(mine) : null }] : [];
  });
  return { todos, conflicts, undo };
}

function strip({ pending: _p, key: _k, ...todo }: TodoView): Todo {
  return todo;
}
