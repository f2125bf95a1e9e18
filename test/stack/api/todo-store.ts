import { randomUUID } from 'node:crypto';
import type { Todo as WireTodo, TodoPatch } from '../../../src/app/todo-wire.ts';
import { ApiError } from './errors.ts';
import { cloneKeys, keyReused, recall, remember, type IdempotencyClaim, type KeyData, type WriteOutcome } from './idempotency.ts';

/** The wire shape the app's client reads (src/app/todo-wire.ts); this API always versions todos. */
export type Todo = Required<WireTodo>;
export type { TodoPatch };

/** How a write is guarded. Both parts are optional: without them a write is plain. */
export interface WriteOptions {
  /** A replay of an applied write returns its first outcome and changes nothing. */
  readonly idempotency?: IdempotencyClaim | undefined;
  /** If-Match: the version the client last saw (update and remove only). */
  readonly ifMatch?: number | undefined;
}

/**
 * Todos per user (`sub`, B9). A write resolves only once it is durable (for a persistent store:
 * on disk, together with its idempotency record); another user's id is indistinguishable from a
 * missing one (`not_found`).
 */
export interface TodoStore {
  list(sub: string): Promise<Todo[]>;
  /** @throws ApiError `todo_limit_reached` | `idempotency_key_reused` */
  create(sub: string, title: string, opts?: WriteOptions): Promise<Todo>;
  /** @throws ApiError `not_found` | `precondition_failed` (with `current`) | `idempotency_key_reused` */
  update(sub: string, id: string, patch: TodoPatch, opts?: WriteOptions): Promise<Todo>;
  /** @throws ApiError `not_found` | `precondition_failed` (with `current`) | `idempotency_key_reused` */
  remove(sub: string, id: string, opts?: WriteOptions): Promise<void>;
  /** Waits for queued writes, then stops accepting new ones. */
  close(): Promise<void>;
}

/** A cap per user keeps one account from filling memory and disk. */
export const DEFAULT_MAX_TODOS_PER_USER = 1_000;

/** Every user's todos, in creation order. */
export type TodoData = Map<string, Map<string, Todo>>;

/** Everything a write changes, persisted together in one atomic write. */
export interface StoreData {
  readonly todos: TodoData;
  /** Idempotency records (see idempotency.ts for what is remembered and for how long). */
  readonly keys: KeyData;
}

/** Writes a whole snapshot durably; rejects if it could not. */
export type Persist = (data: StoreData) => Promise<void>;

type Mutation<T> = (draft: StoreData) => T;

interface Queued {
  run: Mutation<unknown>;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

export interface QueuedTodoStoreOptions {
  readonly initial?: StoreData;
  readonly persist?: Persist;
  readonly maxTodosPerUser?: number;
  /** Default MAX_IDEMPOTENCY_KEYS_PER_USER. */
  readonly maxKeysPerUser?: number;
  /** Milliseconds since the epoch; tests freeze it. */
  readonly now?: () => number;
}

/**
 * The one TodoStore implementation. Without `persist` it is memory only. With it, writes are
 * serialized through a queue and group-committed: every queued mutation is applied to a copy,
 * the copy is persisted once, and only then does it become visible and are the writers answered.
 * So a write acknowledged to a client is on disk, and concurrent writes never overwrite each other.
 *
 * Idempotency keys are checked inside the mutation, on the same copy: two requests with one key
 * resolve to one application, even when they arrive in the same batch.
 */
export class QueuedTodoStore implements TodoStore {
  #committed: StoreData;
  readonly #persist: Persist | undefined;
  readonly #maxPerUser: number;
  readonly #maxKeysPerUser: number | undefined;
  readonly #now: () => number;
  readonly #queue: Queued[] = [];
  #flushing: Promise<void> | undefined;
  #closed = false;

  constructor(opts: QueuedTodoStoreOptions = {}) {
    this.#committed = opts.initial ?? { todos: new Map(), keys: new Map() };
    this.#persist = opts.persist;
    this.#maxPerUser = opts.maxTodosPerUser ?? DEFAULT_MAX_TODOS_PER_USER;
    this.#maxKeysPerUser = opts.maxKeysPerUser;
    this.#now = opts.now ?? Date.now;
  }

  list(sub: string): Promise<Todo[]> {
    return Promise.resolve([...(this.#committed.todos.get(sub)?.values() ?? [])]);
  }

  async create(sub: string, title: string, opts: WriteOptions = {}): Promise<Todo> {
    const outcome = await this.#write(sub, opts, 'created', (todos, now) => {
      const mine = userTodos(todos, sub);
      if (mine.size >= this.#maxPerUser) {
        throw new ApiError('todo_limit_reached', `a user may keep at most ${this.#maxPerUser} todos`);
      }
      const at = new Date(now).toISOString();
      const todo: Todo = { id: randomUUID(), title, completed: false, createdAt: at, updatedAt: at, version: 1 };
      mine.set(todo.id, todo);
      return { kind: 'created', todo };
    });
    return outcome.todo;
  }

  async update(sub: string, id: string, patch: TodoPatch, opts: WriteOptions = {}): Promise<Todo> {
    const outcome = await this.#write(sub, opts, 'updated', (todos, now) => {
      const { mine, old } = existing(todos, sub, id, opts.ifMatch);
      const todo: Todo = {
        ...old,
        ...(patch.title !== undefined ? { title: patch.title } : {}),
        ...(patch.completed !== undefined ? { completed: patch.completed } : {}),
        updatedAt: new Date(now).toISOString(),
        version: old.version + 1,
      };
      mine.set(id, todo);
      return { kind: 'updated', todo };
    });
    return outcome.todo;
  }

  async remove(sub: string, id: string, opts: WriteOptions = {}): Promise<void> {
    await this.#write(sub, opts, 'deleted', (todos) => {
      existing(todos, sub, id, opts.ifMatch).mine.delete(id);
      return { kind: 'deleted', id };
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    while (this.#flushing !== undefined) await this.#flushing;
  }

  /**
   * One write: a replay of a remembered key answers its first outcome before anything else is
   * looked at (a replayed DELETE is 204, not 404; a replayed PATCH is its first 200 even though its
   * If-Match is stale now); otherwise `apply` runs and, when a key was given, its outcome is kept.
   * `apply` validates before it changes anything, so a refusal leaves the draft as it was.
   */
  #write<K extends WriteOutcome['kind']>(
    sub: string,
    opts: WriteOptions,
    kind: K,
    apply: (todos: TodoData, nowMs: number) => Extract<WriteOutcome, { kind: K }>,
  ): Promise<Extract<WriteOutcome, { kind: K }>> {
    return this.#mutate((draft) => {
      const now = this.#now();
      const claim = opts.idempotency;
      const prior = claim === undefined ? undefined : recall(draft.keys, sub, claim, now);
      if (prior !== undefined) {
        // Same fingerprint means same method, so this holds; checked so the type needs no cast.
        if (!isKind(prior, kind)) throw keyReused();
        return prior;
      }
      const outcome = apply(draft.todos, now);
      if (claim !== undefined) remember(draft.keys, sub, claim, outcome, now, this.#maxKeysPerUser);
      return outcome;
    });
  }

  #mutate<T>(run: Mutation<T>): Promise<T> {
    if (this.#closed) return Promise.reject(new ApiError('temporarily_unavailable', 'the server is shutting down'));
    // In memory the mutation runs now, synchronously; whatever it throws becomes the rejection.
    if (this.#persist === undefined) return new Promise<T>((resolve) => resolve(run(this.#committed)));
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

function isKind<K extends WriteOutcome['kind']>(o: WriteOutcome, kind: K): o is Extract<WriteOutcome, { kind: K }> {
  return o.kind === kind;
}

function userTodos(data: TodoData, sub: string): Map<string, Todo> {
  let mine = data.get(sub);
  if (mine === undefined) {
    mine = new Map();
    data.set(sub, mine);
  }
  return mine;
}

/**
 * The user's todo `id`, checked against If-Match (RFC 9110 §13.1.1: strong comparison).
 * @throws ApiError `not_found` | `precondition_failed` with the current todo
 */
function existing(data: TodoData, sub: string, id: string, ifMatch: number | undefined): { mine: Map<string, Todo>; old: Todo } {
  const mine = data.get(sub);
  const old = mine?.get(id);
  if (mine === undefined || old === undefined) throw new ApiError('not_found', 'no such todo');
  if (ifMatch !== undefined && ifMatch !== old.version) {
    throw new ApiError('precondition_failed', `the todo is at version ${old.version}, not ${ifMatch}`, {
      details: { current: old },
    });
  }
  return { mine, old };
}

/** Todos are immutable objects, so copying the maps is enough. */
function cloneData(data: StoreData): StoreData {
  return { todos: new Map([...data.todos].map(([sub, todos]) => [sub, new Map(todos)])), keys: cloneKeys(data.keys) };
}
