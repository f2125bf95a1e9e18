import { randomUUID } from 'node:crypto';
import { ApiError } from './errors.ts';

export interface Todo {
  readonly id: string;
  readonly title: string;
  readonly completed: boolean;
  /** ISO 8601 */
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface TodoPatch {
  readonly title?: string;
  readonly completed?: boolean;
}

/**
 * Todos per user (`sub`, B9). A write resolves only once it is durable (for a persistent store:
 * on disk); another user's id is indistinguishable from a missing one (`not_found`).
 */
export interface TodoStore {
  list(sub: string): Promise<Todo[]>;
  /** @throws ApiError `todo_limit_reached` */
  create(sub: string, title: string): Promise<Todo>;
  /** @throws ApiError `not_found` */
  update(sub: string, id: string, patch: TodoPatch): Promise<Todo>;
  /** @throws ApiError `not_found` */
  remove(sub: string, id: string): Promise<void>;
  /** Waits for queued writes, then stops accepting new ones. */
  close(): Promise<void>;
}

/** A cap per user keeps one account from filling memory and disk. */
export const DEFAULT_MAX_TODOS_PER_USER = 1_000;

/** Every user's todos, in creation order. */
export type TodoData = Map<string, Map<string, Todo>>;

/** Writes a whole snapshot durably; rejects if it could not. */
export type Persist = (data: TodoData) => Promise<void>;

type Mutation<T> = (draft: TodoData) => T;

interface Queued {
  run: Mutation<unknown>;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

/**
 * The one TodoStore implementation. Without `persist` it is memory only. With it, writes are
 * serialized through a queue and group-committed: every queued mutation is applied to a copy,
 * the copy is persisted once, and only then does it become visible and are the writers answered.
 * So a write acknowledged to a client is on disk, and concurrent writes never overwrite each other.
 */
export class QueuedTodoStore implements TodoStore {
  #committed: TodoData;
  readonly #persist: Persist | undefined;
  readonly #maxPerUser: number;
  readonly #queue: Queued[] = [];
  #flushing: Promise<void> | undefined;
  #closed = false;

  constructor(opts: { initial?: TodoData; persist?: Persist; maxTodosPerUser?: number } = {}) {
    this.#committed = opts.initial ?? new Map();
    this.#persist = opts.persist;
    this.#maxPerUser = opts.maxTodosPerUser ?? DEFAULT_MAX_TODOS_PER_USER;
  }

  async list(sub: string): Promise<Todo[]> {
    return [...(this.#committed.get(sub)?.values() ?? [])];
  }

  create(sub: string, title: string): Promise<Todo> {
    return this.#mutate((data) => {
      const mine = userTodos(data, sub);
      if (mine.size >= this.#maxPerUser) {
        throw new ApiError('todo_limit_reached', `a user may keep at most ${this.#maxPerUser} todos`);
      }
      const now = new Date().toISOString();
      const todo: Todo = { id: randomUUID(), title, completed: false, createdAt: now, updatedAt: now };
      mine.set(todo.id, todo);
      return todo;
    });
  }

  update(sub: string, id: string, patch: TodoPatch): Promise<Todo> {
    return this.#mutate((data) => {
      const mine = data.get(sub);
      const old = mine?.get(id);
      if (mine === undefined || old === undefined) throw notFound();
      const todo: Todo = {
        ...old,
        ...(patch.title !== undefined ? { title: patch.title } : {}),
        ...(patch.completed !== undefined ? { completed: patch.completed } : {}),
        updatedAt: new Date().toISOString(),
      };
      mine.set(id, todo);
      return todo;
    });
  }

  remove(sub: string, id: string): Promise<void> {
    return this.#mutate((data) => {
      if (data.get(sub)?.delete(id) !== true) throw notFound();
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    while (this.#flushing !== undefined) await this.#flushing;
  }

  #mutate<T>(run: Mutation<T>): Promise<T> {
    if (this.#closed) return Promise.reject(new ApiError('temporarily_unavailable', 'the server is shutting down'));
    if (this.#persist === undefined) {
      try {
        return Promise.resolve(run(this.#committed));
      } catch (err) {
        return Promise.reject(err);
      }
    }
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ run, resolve: resolve as (value: unknown) => void, reject });
      this.#kick();
    });
  }

  #kick(): void {
    if (this.#flushing !== undefined || this.#queue.length === 0) return;
    this.#flushing = this.#flush().finally(() => {
      this.#flushing = undefined;
      this.#kick();
    });
  }

  async #flush(): Promise<void> {
    const persist = this.#persist;
    if (persist === undefined) return;
    const batch = this.#queue.splice(0);
    const draft = cloneData(this.#committed);
    // Each mutation validates before it changes anything, so a failed one leaves the draft as it was.
    const outcomes = batch.map((op) => {
      try {
        return { ok: true as const, value: op.run(draft) };
      } catch (error) {
        return { ok: false as const, error };
      }
    });
    if (outcomes.some((o) => o.ok)) {
      try {
        await persist(draft);
      } catch (cause) {
        const err = new ApiError('server_error', 'the todo could not be saved', { cause });
        for (const op of batch) op.reject(err);
        return;
      }
      this.#committed = draft;
    }
    batch.forEach((op, i) => {
      const o = outcomes[i];
      if (o === undefined) return;
      if (o.ok) op.resolve(o.value);
      else op.reject(o.error);
    });
  }
}

function userTodos(data: TodoData, sub: string): Map<string, Todo> {
  let mine = data.get(sub);
  if (mine === undefined) {
    mine = new Map();
    data.set(sub, mine);
  }
  return mine;
}

/** Todos are immutable objects, so copying the maps is enough. */
function cloneData(data: TodoData): TodoData {
  return new Map([...data].map(([sub, todos]) => [sub, new Map(todos)]));
}

function notFound(): ApiError {
  return new ApiError('not_found', 'no such todo');
}
