import { html } from 'lit';
import { loadDraft, saveDraft } from '../app/draft.ts';
import type { MainView } from '../app/screen.ts';
import type { TodosController } from '../app/todos-controller.ts';
import { LightElement } from './light-element.ts';
import type { AddTodoDetail, DraftChangeDetail, NewTodoForm } from './new-todo-form.ts';
import type { ResolveConflictDetail, TodoConflict } from './todo-conflict.ts';
import type { DeleteTodoDetail, EditTodoDetail, ToggleTodoDetail } from './todo-item.ts';
import type { TodoList } from './todo-list.ts';
import './new-todo-form.ts';
import './todo-conflict.ts';
import './todo-list.ts';

export type BoardView = Extract<MainView, { kind: 'list' }>;

/**
 * A signed-in user's list: "New todo", the conflicts waiting for a choice, the todos. Turns the
 * elements' events into controller calls and keeps keyboard focus on something that exists
 * after each of them (issue 9 item 6). Loaded with the rest of the signed-in screen.
 */
export class TodoBoard extends LightElement {
  static override properties = {
    controller: { attribute: false },
    view: { attribute: false },
    _draft: { state: true },
  };

  declare controller: TodosController;
  declare view: BoardView;
  /** Kept in this tab's storage too, so a redirect or a re-created board keeps what was typed. */
  private _draft = loadDraft();

  override render() {
    const v = this.view;
    return html`<section class="card" aria-busy=${v.saving ? 'true' : 'false'}>
      <h2 class="visually-hidden">Your todos</h2>
      <new-todo-form
        .value=${this._draft}
        ?disabled=${v.readOnly}
        @draft-change=${(e: CustomEvent<DraftChangeDetail>) => this.#setDraft(e.detail.value)}
        @add-todo=${this.#onAdd}
      ></new-todo-form>
      ${v.conflicts.map((c) => html`<todo-conflict .conflict=${c} @resolve-conflict=${this.#onResolve}></todo-conflict>`)}
      <todo-list
        .todos=${v.todos}
        ?read-only=${v.readOnly}
        @toggle-todo=${(e: CustomEvent<ToggleTodoDetail>) => void this.controller.toggle(e.detail.id, e.detail.completed)}
        @edit-todo=${(e: CustomEvent<EditTodoDetail>) => void this.controller.edit(e.detail.id, e.detail.title)}
        @delete-todo=${this.#onDelete}
      ></todo-list>
    </section>`;
  }

  /** Takes a queued delete back (the banner's Undo) and focuses the todo that came back. */
  async undo(seq: number): Promise<void> {
    const id = await this.controller.undo(seq);
    await this.#focusTodo(id ? this.#indexOf(id) : -1);
  }

  /** "New todo": always there while the list is. */
  focusSafe(): void {
    this.$<NewTodoForm>('new-todo-form')?.focusInput();
  }

  #setDraft(text: string) {
    this._draft = text;
    saveDraft(text);
  }

  async #onAdd(e: CustomEvent<AddTodoDetail>) {
    const title = e.detail.title;
    this.#setDraft('');
    const ok = await this.controller.add(title);
    // Give the words back if they could not be kept and nothing new was typed meanwhile.
    if (!ok && !this._draft) this.#setDraft(title);
  }

  async #onDelete(e: CustomEvent<DeleteTodoDetail>) {
    const index = this.#indexOf(e.detail.id);
    await this.controller.remove(e.detail.id);
    // Focus moves to the todo that took its place, or back to "New todo" when none did.
    await this.#focusTodo(index);
  }

  async #onResolve(e: CustomEvent<ResolveConflictDetail>) {
    const todoId = this.view.conflicts.find((c) => c.entry.seq === e.detail.seq)?.entry.op.todoId;
    await this.controller.resolve(e.detail.seq, e.detail.choice);
    await this.updateComplete;
    // The next conflict, else the todo that was in question, else "New todo".
    const next = this.$<TodoConflict>('todo-conflict');
    if (next) next.focusFirst();
    else await this.#focusTodo(todoId ? this.#indexOf(todoId) : -1);
  }

  #indexOf(id: string): number {
    const st = this.controller.snapshot.state;
    return st.kind === 'ready' ? st.todos.findIndex((t) => t.id === id) : -1;
  }

  async #focusTodo(index: number) {
    // The app shell hands this board the controller's new snapshot first.
    await this.closest('todo-app')?.updateComplete;
    await this.updateComplete;
    if (!(await this.$<TodoList>('todo-list')?.focusAt(index))) this.focusSafe();
  }
}
customElements.define('todo-board', TodoBoard);

declare global {
  interface HTMLElementTagNameMap {
    'todo-board': TodoBoard;
  }
}
