import { errorCode, type Todo, type TodoApi, type TodoApiErrorCode, type TodoPatch } from './todo-api.ts';

/** A todo as shown: `saving` while an optimistic change waits for the API. */
export interface TodoView extends Todo {
  readonly saving: boolean;
}

/** The list's lifecycle, explicit (no loose booleans): idle -> loading -> ready | error. */
export type TodosState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'loading' }
  | { readonly kind: 'ready'; readonly todos: readonly TodoView[] }
  | { readonly kind: 'error'; readonly code: TodoApiErrorCode };

export type TodoOp = 'add' | 'toggle' | 'edit' | 'delete';

/** An optimistic change that was rolled back; the UI turns it into a sentence. */
export interface Notice {
  readonly op: TodoOp;
  readonly title: string;
  readonly code: TodoApiErrorCode;
}

export interface TodosSnapshot {
  readonly state: TodosState;
  /** A 403 taught us the token lacks `todos:write`: editing is disabled until the next sign-in. */
  readonly readOnly: boolean;
  /** A 401 reached the page (the SW already tried refresh + replay): the session is gone. */
  readonly sessionExpired: boolean;
  readonly notice: Notice | null;
}

/** True for a todo added optimistically that the API has not created yet (it has no real id). */
export function isUnsaved(t: Todo): boolean {
  return t.id.startsWith(TEMP_PREFIX);
}

const TEMP_PREFIX = 'pending-';

const IDLE: TodosSnapshot = { state: { kind: 'idle' }, readOnly: false, sessionExpired: false, notice: null };

/**
 * Todo list state machine with optimistic create / toggle / edit / delete: the list changes at
 * once, and a failed call puts it back and leaves a `notice`.
 */
export class TodosController {
  private snap: TodosSnapshot = IDLE;
  private readonly listeners = new Set<(s: TodosSnapshot) => void>();
  /** Bumped by load() and reset(), so a late answer for an older request is ignored. */
  private generation = 0;
  private tempIds = 0;

  constructor(private readonly api: TodoApi) {}

  get snapshot(): TodosSnapshot {
    return this.snap;
  }

  subscribe(listener: (s: TodosSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Back to idle (signed out, or another user signed in: drop their data). */
  reset(): void {
    this.generation++;
    this.set(IDLE);
  }

  dismissNotice(): void {
    if (this.snap.notice) this.set({ ...this.snap, notice: null });
  }

  async load(): Promise<void> {
    const gen = ++this.generation;
    // A re-sync (Retry, back/forward cache, back online) keeps the current list on screen.
    if (this.snap.state.kind !== 'ready') this.set({ ...this.snap, state: { kind: 'loading' } });
    try {
      const todos = await this.api.list();
      if (gen !== this.generation) return;
      this.set({ ...this.snap, sessionExpired: false, state: { kind: 'ready', todos: todos.map((t) => ({ ...t, saving: false })) } });
    } catch (e) {
      if (gen !== this.generation) return;
      const code = errorCode(e);
      this.set({ ...this.snap, sessionExpired: code === 'unauthorized', state: { kind: 'error', code } });
    }
  }

  async add(title: string): Promise<boolean> {
    const clean = title.trim();
    const gen = this.generation;
    if (!clean || this.snap.state.kind !== 'ready' || this.snap.readOnly) return false;
    const now = new Date().toISOString();
    const temp: TodoView = { id: `${TEMP_PREFIX}${++this.tempIds}`, title: clean, completed: false, createdAt: now, updatedAt: now, saving: true };
    this.setTodos((list) => [...list, temp], null);
    try {
      const created = await this.api.create(clean);
      if (gen === this.generation) this.setTodos((list) => list.map((t) => (t.id === temp.id ? { ...created, saving: false } : t)));
      return true;
    } catch (e) {
      if (gen === this.generation) this.fail('add', clean, e, (list) => list.filter((t) => t.id !== temp.id));
      return false;
    }
  }

  toggle(id: string, completed: boolean): Promise<void> {
    return this.patch('toggle', id, { completed });
  }

  edit(id: string, title: string): Promise<void> {
    const clean = title.trim();
    const current = this.find(id);
    if (!clean || !current || current.title === clean) return Promise.resolve();
    return this.patch('edit', id, { title: clean });
  }

  async remove(id: string): Promise<void> {
    const gen = this.generation;
    const state = this.snap.state;
    if (state.kind !== 'ready' || this.snap.readOnly) return;
    const index = state.todos.findIndex((t) => t.id === id);
    const removed = state.todos[index];
    if (!removed) return;
    this.setTodos((list) => list.filter((t) => t.id !== id), null);
    try {
      await this.api.remove(id);
    } catch (e) {
      // Already gone (deleted in another tab) is what the user wanted.
      if (gen !== this.generation || errorCode(e) === 'not-found') return;
      this.fail('delete', removed.title, e, (list) => {
        const copy = [...list];
        copy.splice(Math.min(index, copy.length), 0, { ...removed, saving: false });
        return copy;
      });
    }
  }

  private async patch(op: TodoOp, id: string, change: TodoPatch): Promise<void> {
    const gen = this.generation;
    const before = this.find(id);
    if (!before || this.snap.readOnly || isUnsaved(before)) return;
    this.setTodos((list) => list.map((t) => (t.id === id ? { ...t, ...change, saving: true } : t)), null);
    try {
      const saved = await this.api.update(id, change);
      if (gen === this.generation) this.setTodos((list) => list.map((t) => (t.id === id ? { ...saved, saving: false } : t)));
    } catch (e) {
      if (gen !== this.generation) return;
      const gone = errorCode(e) === 'not-found';
      this.fail(op, before.title, e, (list) =>
        gone ? list.filter((t) => t.id !== id) : list.map((t) => (t.id === id ? { ...before, saving: false } : t)),
      );
    }
  }

  private find(id: string): TodoView | undefined {
    return this.snap.state.kind === 'ready' ? this.snap.state.todos.find((t) => t.id === id) : undefined;
  }

  private fail(op: TodoOp, title: string, e: unknown, rollback: (list: readonly TodoView[]) => readonly TodoView[]): void {
    const code = errorCode(e);
    this.setTodos(rollback, { op, title, code });
    if (code === 'forbidden') this.set({ ...this.snap, readOnly: true });
    if (code === 'unauthorized') this.set({ ...this.snap, sessionExpired: true });
  }

  private setTodos(change: (list: readonly TodoView[]) => readonly TodoView[], notice?: Notice | null): void {
    const state = this.snap.state;
    if (state.kind !== 'ready') return;
    this.set({
      ...this.snap,
      notice: notice === undefined ? this.snap.notice : notice,
      state: { kind: 'ready', todos: change(state.todos) },
    });
  }

  private set(next: TodosSnapshot): void {
    this.snap = next;
    for (const l of this.listeners) l(next);
  }
}
