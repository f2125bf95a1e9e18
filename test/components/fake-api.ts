/**
 * The Todo API contract in memory, versions and idempotency included (the real API is covered
 * end to end): per-call failures, calls that wait for the test, and a log of what was sent.
 */
import { TodoApiError, type Todo, type TodoApi, type TodoApiErrorCode, type TodoPatch, type WriteOptions } from '../../src/app/todo-api.ts';

export type Method = 'list' | 'create' | 'update' | 'remove';

export interface SentCall {
  readonly method: Method;
  readonly id?: string;
  readonly key?: string;
  readonly ifMatch?: number;
}

type Stored = Todo & { readonly version: number };

export class FakeApi implements TodoApi {
  todos: Stored[];
  /** While set, every call fails with this code (the API is down). */
  down: TodoApiErrorCode | null = null;
  /** The next call of that method fails with this code (before it is applied). */
  failNext: Record<Method, TodoApiErrorCode | null> = { list: null, create: null, update: null, remove: null };
  /** The next call of that method is applied, then its answer is lost (an ambiguous failure). */
  loseNextAnswer: Record<Method, boolean> = { list: false, create: false, update: false, remove: false };
  /** Calls of that method wait until `release()`. */
  hold: Partial<Record<Method, boolean>> = {};
  calls: Record<Method, number> = { list: 0, create: 0, update: 0, remove: 0 };
  readonly sent: SentCall[] = [];
  private waiting: (() => void)[] = [];
  private ids = 100;
  /** Idempotency-Key -> the first answer (a replay returns it without applying again). */
  private replies = new Map<string, { ok: true; value: unknown } | { ok: false; error: unknown }>();

  constructor(todos: Todo[] = []) {
    this.todos = todos.map(({ id, title, completed, createdAt, updatedAt, version }) => ({
      id,
      title,
      completed,
      createdAt,
      updatedAt,
      version: version ?? 1,
    }));
  }

  release(): void {
    this.hold = {};
    for (const go of this.waiting.splice(0)) go();
  }

  /** Another device changes a todo (its version goes up). */
  changeElsewhere(id: string, patch: TodoPatch): Stored {
    const i = this.todos.findIndex((t) => t.id === id);
    const next = { ...this.todos[i]!, ...patch, version: this.todos[i]!.version + 1 };
    this.todos[i] = next;
    return next;
  }

  titles(): string[] {
    return this.todos.map((t) => t.title);
  }

  private async call<T>(method: Method, w: WriteOptions | undefined, id: string | undefined, apply: () => T): Promise<T> {
    this.calls[method]++;
    this.sent.push({
      method,
      ...(id ? { id } : {}),
      ...(w?.idempotencyKey ? { key: w.idempotencyKey } : {}),
      ...(w?.ifMatch !== undefined ? { ifMatch: w.ifMatch } : {}),
    });
    if (this.hold[method]) await new Promise<void>((r) => this.waiting.push(r));
    const code = this.down ?? this.failNext[method];
    if (code) {
      this.failNext[method] = null;
      throw new TodoApiError(code, `fake ${code}`);
    }
    const key = w?.idempotencyKey;
    const replay = key ? this.replies.get(key) : undefined;
    if (replay) {
      if (replay.ok) return replay.value as T;
      throw replay.error;
    }
    let value: T;
    try {
      value = apply();
    } catch (error) {
      if (key) this.replies.set(key, { ok: false, error });
      throw error;
    }
    if (key) this.replies.set(key, { ok: true, value });
    if (this.loseNextAnswer[method]) {
      this.loseNextAnswer[method] = false;
      throw new TodoApiError('unreachable', 'fake: answer lost');
    }
    return value;
  }

  private find(id: string, ifMatch: number | undefined): number {
    const i = this.todos.findIndex((t) => t.id === id);
    const cur = this.todos[i];
    if (!cur) throw new TodoApiError('not_found', 'fake not_found', { status: 404 });
    if (ifMatch !== undefined && ifMatch !== cur.version) throw new TodoApiError('conflict', 'fake 412', { status: 412, current: cur });
    return i;
  }

  async list(): Promise<Todo[]> {
    return this.call('list', undefined, undefined, () => [...this.todos]);
  }

  async create(title: string, w?: WriteOptions): Promise<Todo> {
    return this.call('create', w, undefined, () => {
      const at = new Date().toISOString();
      const t = { id: `s${++this.ids}`, title, completed: false, createdAt: at, updatedAt: at, version: 1 };
      this.todos.push(t);
      return t;
    });
  }

  async update(id: string, patch: TodoPatch, w?: WriteOptions): Promise<Todo> {
    return this.call('update', w, id, () => {
      const i = this.find(id, w?.ifMatch);
      const next = { ...this.todos[i]!, ...patch, updatedAt: new Date().toISOString(), version: this.todos[i]!.version + 1 };
      this.todos[i] = next;
      return next;
    });
  }

  async remove(id: string, w?: WriteOptions): Promise<void> {
    return this.call('remove', w, id, () => {
      const i = this.find(id, w?.ifMatch);
      this.todos.splice(i, 1);
    });
  }
}
