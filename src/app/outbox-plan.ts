/**
 * The outbox's rules as pure functions over one user's queued entries (in queue order), so they
 * are testable without IndexedDB: which entry goes next, which version a change is made on, and
 * what changes in the queue when an answer comes back. outbox-store.ts runs each inside one
 * IndexedDB transaction.
 */
import type { Todo, TodoPatch } from './todo-api.ts';

export type OutboxOp =
  | { readonly kind: 'create'; readonly todoId: string; readonly title: string }
  | { readonly kind: 'update'; readonly todoId: string; readonly patch: TodoPatch }
  | { readonly kind: 'delete'; readonly todoId: string };

/**
 * The version a change is sent against (`If-Match`): a number; `chained` = made on top of the
 * previous queued change of the same todo (it gets that change's resulting version once that is
 * saved); `unversioned` = the API gave the todo no version, so the write is unconditional.
 */
export type Base = number | 'chained' | 'unversioned';

/** One change, queued. Todo data only: never a token (STANDARDS A8). */
export interface OutboxEntry {
  /** Queue order (IndexedDB key generator). */
  readonly seq: number;
  /** The user it belongs to: it is only ever sent while this user is signed in. */
  readonly sub: string;
  /** Idempotency-Key: made once, sent with every retry. */
  readonly key: string;
  readonly op: OutboxOp;
  readonly base: Base;
  /** Title as the user saw it when making the change (for messages). */
  readonly title: string;
  /** Epoch ms; not sent before (a delete waits out its Undo). */
  readonly notBefore: number;
  readonly queuedAt: number;
  /** After a 412: the todo as it is on the server. The user decides; nothing is sent meanwhile. */
  readonly conflict?: Todo;
}

export type NewEntry = Omit<OutboxEntry, 'seq' | 'base'>;

/**
 * Versions this user's own saved changes produced for a todo, `from` (the version the first one
 * was made on) to `to`. A change made on a view that did not show them yet (another tab, or the
 * instant between the answer and the re-render) is rebased onto `to`: the difference is the
 * user's own work, not someone else's, so it is no conflict.
 */
export interface OwnVersions {
  readonly sub: string;
  readonly todoId: string;
  readonly from: number;
  readonly to: number;
  readonly at: number;
}

/** What a step changes: entries to write back, sequence numbers to delete. */
export interface Plan {
  readonly put: readonly OutboxEntry[];
  readonly del: readonly number[];
  /** Entries taken out without being saved (the user is told). */
  readonly dropped: readonly OutboxEntry[];
  readonly own?: OwnVersions;
}

const EMPTY: Plan = { put: [], del: [], dropped: [] };

const sameTodo = (id: string) => (e: OutboxEntry) => e.op.todoId === id;

/** The version a new change of `todoId` is made on; `seen` is the version the user's screen showed. */
export function baseFor(queued: readonly OutboxEntry[], todoId: string, seen: number | undefined, own: OwnVersions | undefined): Base {
  if (queued.some(sameTodo(todoId))) return 'chained';
  if (seen === undefined) return 'unversioned';
  return own && own.from <= seen && seen < own.to ? own.to : seen;
}

export type Next =
  | { readonly kind: 'send'; readonly entry: OutboxEntry }
  | { readonly kind: 'wait'; readonly until: number } // only entries not due yet
  | { readonly kind: 'none' }; // empty, or everything waits for the user (conflicts)

/**
 * The first entry that may go now. Per todo, order is kept: an entry waits while an earlier one
 * of the same todo waits (not due, or in conflict). Entries of other todos are not held up.
 */
export function nextEntry(queued: readonly OutboxEntry[], now: number): Next {
  const held = new Set<string>();
  let until = Infinity;
  for (const e of queued) {
    const id = e.op.todoId;
    if (held.has(id)) continue;
    if (e.conflict || e.notBefore > now) {
      held.add(id);
      if (!e.conflict) until = Math.min(until, e.notBefore);
      continue;
    }
    return { kind: 'send', entry: e };
  }
  return until === Infinity ? { kind: 'none' } : { kind: 'wait', until };
}

/** The first entry after `entry` of the same todo (the one chained on it), if any. */
function successor(queued: readonly OutboxEntry[], entry: OutboxEntry, todoId = entry.op.todoId): OutboxEntry | undefined {
  return queued.find((e) => e.seq > entry.seq && e.op.todoId === todoId);
}

function current(queued: readonly OutboxEntry[], entry: OutboxEntry): OutboxEntry | undefined {
  return queued.find((e) => e.seq === entry.seq);
}

/**
 * The API saved `entry` (`result`: the todo now; null for a delete). A create's followers get
 * the server id; the next change of the todo is made on the version this one produced.
 */
export function planSaved(
  queued: readonly OutboxEntry[],
  entry: OutboxEntry,
  result: Todo | null,
  previous: OwnVersions | undefined,
  now: number,
): Plan {
  if (!current(queued, entry)) return EMPTY; // undone or handled by another tab meanwhile
  const put: OutboxEntry[] = [];
  const tempId = entry.op.todoId;
  const id = result?.id ?? tempId;
  if (entry.op.kind === 'create' && result) {
    for (const e of queued) if (e.seq > entry.seq && e.op.todoId === tempId) put.push({ ...e, op: { ...e.op, todoId: id } });
  }
  const next = successor(put.length ? put : queued, entry, id);
  const version = result?.version;
  if (next && next.base === 'chained') {
    const rebased: OutboxEntry = { ...next, base: version ?? 'unversioned' };
    const i = put.findIndex((e) => e.seq === next.seq);
    if (i >= 0) put[i] = rebased;
    else put.push(rebased);
  }
  let own: OwnVersions | undefined;
  if (version !== undefined) {
    const made = typeof entry.base === 'number' ? entry.base : version - 1;
    const from = previous && previous.to === made ? previous.from : made;
    own = { sub: entry.sub, todoId: id, from, to: version, at: now };
  }
  return { put, del: [entry.seq], dropped: [], ...(own ? { own } : {}) };
}

/**
 * The API refused `entry` for good. `gone` (404: deleted elsewhere): every queued change of that
 * todo goes too. `refused` (400/403/422): this change goes; a create takes its followers along
 * (they have nothing to change), an update's follower is made on this one's base instead.
 */
export function planDropped(queued: readonly OutboxEntry[], entry: OutboxEntry, why: 'gone' | 'refused'): Plan {
  const me = current(queued, entry);
  if (!me) return EMPTY;
  const id = me.op.todoId;
  if (why === 'gone' || me.op.kind === 'create') {
    const all = queued.filter((e) => e.seq >= me.seq && e.op.todoId === id);
    return { put: [], del: all.map((e) => e.seq), dropped: all };
  }
  const next = successor(queued, me);
  const put = next && next.base === 'chained' ? [{ ...next, base: me.base }] : [];
  return { put, del: [me.seq], dropped: [me] };
}

/** A 412: `entry` waits for the user, with the server's version beside it. */
export function planConflict(queued: readonly OutboxEntry[], entry: OutboxEntry, theirs: Todo): Plan {
  const me = current(queued, entry);
  return me ? { put: [{ ...me, conflict: theirs }], del: [], dropped: [] } : EMPTY;
}

/**
 * The user's answer to a conflict. `mine`: send again against the version that is there now,
 * under a new `key` (the API keeps answering the old key with its 412). `theirs`: drop this
 * change and the ones made on top of it (they built on what the user gave up).
 */
export function planResolved(queued: readonly OutboxEntry[], entry: OutboxEntry, choice: 'mine' | 'theirs', key: string): Plan {
  const me = current(queued, entry);
  if (!me?.conflict) return EMPTY;
  if (choice === 'theirs') {
    const all = queued.filter((e) => e.seq >= me.seq && e.op.todoId === me.op.todoId);
    return { put: [], del: all.map((e) => e.seq), dropped: [] };
  }
  const { conflict, ...rest } = me;
  return { put: [{ ...rest, key, base: conflict.version ?? 'unversioned' }], del: [], dropped: [] };
}
