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

/** Nothing loaded yet (also what the app shows before a controller exists). */
export const IDLE: TodosSnapshot = { state: { kind: 'idle' }, readOnly: false, sessionExpired: false, notice: null };

type Change = (list: readonly TodoView[]) => readonly TodoView[];
const replace =
  (id: string, by: (t: TodoView) => TodoView): Change =>
  (list) =>
    list.map((t) => (t.id === id ? by(t) : t));
const without =
  (id: string): Change =>
  (list) =>
    list.filter((t) => t.id !== id);

/**
 * Todo list state machine with optimistic create / toggle / edit / delete: the list changes at
 * once, and a failed call puts it back and leaves a `notice`.
 */
export class TodosController {
  #snap: TodosSnapshot = IDLE;
  #listeners = new Set<(s: TodosSnapshot) => void>();
  /** Bumped by load() and reset(), so a late answer for an older request is ignored. */
  #generation = 0;
  #tempIds = 0;

  readonly #api: TodoApi;

  constructor(api: TodoApi) {
    this.#api = api;
  }

  get snapshot(): TodosSnapshot {
    return this.#snap;
  }

  subscribe(listener: (s: TodosSnapshot) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Back to idle (signed out, or another user signed in: drop their data). */
  reset(): void {
    this.#generation++;
    this.#set(IDLE);
  }

  dismissNotice(): void {
    if (this.#snap.notice) this.#set({ ...this.#snap, notice: null });
  }

  async load(): Promise<void> {
    const gen = ++this.#generation;
    // A re-sync (Retry, back/forward cache, back online) keeps the current list on screen.
    if (this.#snap.state.kind !== 'ready') this.#set({ ...this.#snap, state: { kind: 'loading' } });
    try {
      const todos = await this.#api.list();
      if (gen === this.#generation) {
        this.#set({ ...this.#snap, sessionExpired: false, state: { kind: 'ready', todos: todos.map((t) => ({ ...t, saving: false })) } });
      }
    } catch (e) {
      const code = errorCode(e);
      if (gen === this.#generation) this.#set({ ...this.#snap, sessionExpired: code === 'unauthorized', state: { kind: 'error', code } });
    }
  }

  add(title: string): Promise<boolean> {
    const clean = title.trim();
    if (!clean || this.#snap.state.kind !== 'ready' || this.#snap.readOnly) return Promise.resolve(false);
    const now = new Date().toISOString();
    const temp: TodoView = { id: `${TEMP_PREFIX}${++this.#tempIds}`, title: clean, completed: false, createdAt: now, updatedAt: now, saving: true };
    return this.#run(
      'add',
      clean,
      (list) => [...list, temp],
      () => this.#api.create(clean),
      (created) => replace(temp.id, () => ({ ...created, saving: false })),
      () => without(temp.id),
    );
  }

  toggle(id: string, completed: boolean): Promise<void> {
    return this.#patch('toggle', id, { completed });
  }

  edit(id: string, title: string): Promise<void> {
    const clean = title.trim();
    const current = this.#find(id);
    if (!clean || !current || current.title === clean) return Promise.resolve();
    return this.#patch('edit', id, { title: clean });
  }

  async remove(id: string): Promise<void> {
    const state = this.#snap.state;
    if (state.kind !== 'ready' || this.#snap.readOnly) return;
    const index = state.todos.findIndex((t) => t.id === id);
    const removed = state.todos[index];
    if (!removed) return;
    await this.#run(
      'delete',
      removed.title,
      without(id),
      () => this.#api.remove(id),
      () => undefined,
      // Already gone (deleted in another tab) is what the user wanted.
      (code) =>
        code === 'not-found'
          ? undefined
          : (list) => {
              const copy = [...list];
              copy.splice(Math.min(index, copy.length), 0, { ...removed, saving: false });
              return copy;
            },
    );
  }

  async #patch(op: TodoOp, id: string, change: TodoPatch): Promise<void> {
    const before = this.#find(id);
    if (!before || this.#snap.readOnly || isUnsaved(before)) return;
    await this.#run(
      op,
      before.title,
      replace(id, (t) => ({ ...t, ...change, saving: true })),
      () => this.#api.update(id, change),
      (saved) => replace(id, () => ({ ...saved, saving: false })),
      (code) => (code === 'not-found' ? without(id) : replace(id, () => ({ ...before, saving: false }))),
    );
  }

  /**
   * The optimistic step shared by every change: show `shown` at once, call the API, fold its
   * answer in with `saved`; on failure put back what `undo` says and leave a notice (no `undo`
   * change: nothing to put back, no notice). Answers for an older generation are ignored.
   */
  async #run<T>(
    op: TodoOp,
    title: string,
    shown: Change,
    call: () => Promise<T>,
    saved: (answer: T) => Change | undefined,
    undo: (code: TodoApiErrorCode) => Change | undefined,
  ): Promise<boolean> {
    const gen = this.#generation;
    this.#setTodos(shown, null);
    try {
      const change = saved(await call());
      if (gen === this.#generation && change) this.#setTodos(change);
      return true;
    } catch (e) {
      const code = errorCode(e);
      const change = undo(code);
      if (gen === this.#generation && change) {
        this.#setTodos(change, { op, title, code });
        if (code === 'forbidden') this.#set({ ...this.#snap, readOnly: true });
        if (code === 'unauthorized') this.#set({ ...this.#snap, sessionExpired: true });
      }
      return false;
    }
  }

  #find(id: string): TodoView | undefined {
    return this.#snap.state.kind === 'ready' ? this.#snap.state.todos.find((t) => t.id === id) : undefined;
  }

  #setTodos(change: Change, notice?: Notice | null): void {
    const state = this.#snap.state;
    if (state.kind !== 'ready') return;
    this.#set({
      ...this.#snap,
      notice: notice === undefined ? this.#snap.notice : notice,
      state: { kind: 'ready', todos: change(state.todos) },
    });
  }

  #set(next: TodosSnapshot): void {
    this.#snap = next;
    for (const l of this.#listeners) l(next);
  }
}
