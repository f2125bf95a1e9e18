/**
 * The outbox in IndexedDB (its own database, apart from the SW's `sw-token-vault`): it survives
 * reloads, SW restarts and closed tabs, and every tab of the origin shares it. It holds todo
 * data only, never a token (STANDARDS A8). Each step reads the user's queue and applies one plan
 * from outbox-plan.ts inside one transaction, so two tabs never interleave halfway.
 */
import {
  baseFor,
  planConflict,
  planDropped,
  planResolved,
  planSaved,
  type NewEntry,
  type OutboxEntry,
  type OwnVersions,
  type Plan,
} from './outbox-plan.ts';
import type { Todo } from './todo-api.ts';

export const OUTBOX_DB = 'todo-outbox';
const ENTRIES = 'entries';
const OWN = 'own';
/** Own-version records only bridge the moment until every view has the new version. */
const OWN_TTL_MS = 10 * 60_000;

/** IndexedDB is missing, disabled or failing: the change could not be kept. */
export class OutboxError extends Error {
  override readonly name = 'OutboxError';
  readonly code = 'storage' as const;
}

export interface OutboxStore {
  /** The user's queue, in order. */
  entries(sub: string): Promise<OutboxEntry[]>;
  /** Queues a change; `seen` is the version of the todo the user's screen showed. */
  enqueue(entry: NewEntry, seen: number | undefined): Promise<OutboxEntry>;
  /** Takes an entry out before it was sent (Undo); null when it is already gone. */
  take(seq: number): Promise<OutboxEntry | null>;
  saved(entry: OutboxEntry, result: Todo | null): Promise<void>;
  /** Returns what was dropped (the entry, and with `gone` or a create, its followers). */
  dropped(entry: OutboxEntry, why: 'gone' | 'refused'): Promise<readonly OutboxEntry[]>;
  conflicted(entry: OutboxEntry, theirs: Todo): Promise<void>;
  resolved(entry: OutboxEntry, choice: 'mine' | 'theirs'): Promise<void>;
  close(): void;
}

interface Stores {
  readonly entries: IDBObjectStore;
  readonly own: IDBObjectStore;
}

const result = <T>(r: IDBRequest<T>): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
  });

/** Page script can write this database too: a malformed record is skipped, never sent. */
function isEntry(v: unknown): v is OutboxEntry {
  const e = v as Partial<OutboxEntry> | null;
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof e.seq === 'number' &&
    typeof e.sub === 'string' &&
    typeof e.key === 'string' &&
    typeof e.op?.todoId === 'string' &&
    ['create', 'update', 'delete'].includes(e.op.kind) &&
    typeof e.notBefore === 'number'
  );
}

async function queue(s: Stores, sub: string): Promise<OutboxEntry[]> {
  // Same `sub` throughout the index range, so the records come in key (queue) order.
  const all = await result(s.entries.index('sub').getAll(sub));
  return all.filter(isEntry);
}

function apply(s: Stores, plan: Plan, now: number): void {
  for (const seq of plan.del) s.entries.delete(seq);
  for (const e of plan.put) s.entries.put(e);
  if (!plan.own) return;
  s.own.put(plan.own);
  // Prune while writing anyway: one record per todo changed in the last minutes.
  s.own.index('at').openCursor(IDBKeyRange.upperBound(now - OWN_TTL_MS)).onsuccess = function () {
    const c = this.result;
    if (!c) return;
    c.delete();
    c.continue();
  };
}

export function openOutbox(name = OUTBOX_DB, now: () => number = Date.now): OutboxStore {
  let db: Promise<IDBDatabase> | undefined;
  let closed = false;

  const open = (): Promise<IDBDatabase> =>
    (db ??= new Promise<IDBDatabase>((resolve, reject) => {
      if (closed) return reject(new OutboxError('the outbox was closed'));
      if (typeof indexedDB === 'undefined') return reject(new OutboxError('IndexedDB is not available'));
      const req = indexedDB.open(name, 1);
      req.onupgradeneeded = () => {
        const d = req.result;
        d.createObjectStore(ENTRIES, { keyPath: 'seq', autoIncrement: true }).createIndex('sub', 'sub');
        d.createObjectStore(OWN, { keyPath: ['sub', 'todoId'] }).createIndex('at', 'at');
      };
      req.onsuccess = () => {
        const d = req.result;
        // Deleted or upgraded elsewhere (a test, devtools, a newer version in another tab): let go.
        d.onversionchange = () => {
          d.close();
          db = undefined;
        };
        resolve(d);
      };
      req.onerror = () => reject(new OutboxError('the outbox database could not be opened', { cause: req.error }));
      req.onblocked = () => reject(new OutboxError('the outbox database is blocked by another tab'));
    }).catch((e: unknown) => {
      db = undefined;
      throw e;
    }));

  async function run<T>(mode: IDBTransactionMode, body: (s: Stores) => Promise<T>): Promise<T> {
    const tx = (await open()).transaction([ENTRIES, OWN], mode);
    const done = new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(new OutboxError('outbox transaction failed', { cause: tx.error }));
      tx.onabort = () => reject(new OutboxError('outbox transaction aborted', { cause: tx.error }));
    });
    try {
      const value = await body({ entries: tx.objectStore(ENTRIES), own: tx.objectStore(OWN) });
      await done;
      return value;
    } catch (e) {
      try {
        tx.abort();
      } catch {
        // already finished: `done` carries the reason
      }
      await done.catch(() => undefined);
      throw e instanceof OutboxError ? e : new OutboxError('outbox step failed', { cause: e });
    }
  }

  const step = (entry: OutboxEntry, plan: (q: OutboxEntry[], own: OwnVersions | undefined) => Plan) =>
    run('readwrite', async (s) => {
      const q = await queue(s, entry.sub);
      const own = (await result(s.own.get([entry.sub, entry.op.todoId]))) as OwnVersions | undefined;
      const p = plan(q, own);
      apply(s, p, now());
      return p;
    });

  return {
    entries: (sub) => run('readonly', (s) => queue(s, sub)),
    enqueue: (n, seen) =>
      run('readwrite', async (s) => {
        const q = await queue(s, n.sub);
        const own = (await result(s.own.get([n.sub, n.op.todoId]))) as OwnVersions | undefined;
        const draft = { ...n, base: baseFor(q, n.op.todoId, seen, own) };
        const seq = (await result(s.entries.add(draft))) as number;
        return { ...draft, seq };
      }),
    take: (seq) =>
      run('readwrite', async (s) => {
        const e: unknown = await result(s.entries.get(seq));
        if (!isEntry(e)) return null;
        s.entries.delete(seq);
        return e;
      }),
    saved: async (entry, todo) => {
      await step(entry, (q, own) => planSaved(q, entry, todo, own, now()));
    },
    dropped: async (entry, why) => (await step(entry, (q) => planDropped(q, entry, why))).dropped,
    conflicted: async (entry, theirs) => {
      await step(entry, (q) => planConflict(q, entry, theirs));
    },
    resolved: async (entry, choice) => {
      await step(entry, (q) => planResolved(q, entry, choice, crypto.randomUUID()));
    },
    close: () => {
      closed = true;
      void db?.then(
        (d) => d.close(),
        () => undefined,
      );
    },
  };
}
