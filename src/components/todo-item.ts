import { html, nothing, type PropertyValues } from 'lit';
import type { Pending, TodoView } from '../app/todo-view.ts';
import { LightElement } from './light-element.ts';

/** What a todo that is not saved says about itself (issue 9 item 3: never an endless "Saving…"). */
const PENDING_TEXT: Record<Pending, string> = {
  saved: '',
  saving: 'Saving…',
  queued: 'Not saved yet, will sync',
  conflict: 'Changed elsewhere: choose a version above',
};

export interface ToggleTodoDetail {
  readonly id: string;
  readonly completed: boolean;
}
export interface EditTodoDetail {
  readonly id: string;
  readonly title: string;
}
export interface DeleteTodoDetail {
  readonly id: string;
}

/**
 * One todo: a checkbox named by its title, "Edit <title>" (inline edit: Enter saves, Escape
 * cancels) and "Delete <title>".
 *
 * @fires toggle-todo - detail {@link ToggleTodoDetail}
 * @fires edit-todo - a changed, non-blank title was saved; detail {@link EditTodoDetail}
 * @fires delete-todo - detail {@link DeleteTodoDetail}
 */
export class TodoItem extends LightElement {
  static override properties = {
    todo: { attribute: false },
    readOnly: { type: Boolean, attribute: 'read-only' },
    _editing: { state: true },
  };

  declare todo: TodoView;
  readOnly = false;
  private _editing = false;

  protected override willUpdate(changed: PropertyValues<this>): void {
    // An edit belongs to one todo, not to an element that may be handed another.
    if (changed.get('todo')?.key !== undefined && changed.get('todo')?.key !== this.todo.key) this._editing = false;
  }

  override render() {
    const t = this.todo;
    if (this._editing) {
      return html`<form class="todo editing" @submit=${this.#onSave} @keydown=${this.#onEditKey}>
        <input class="edit" aria-label=${`Rename ${t.title}`} maxlength="500" .value=${t.title} />
        <button type="submit" class="primary">Save</button>
        <button type="button" @click=${this.#stopEdit}>Cancel</button>
      </form>`;
    }
    // A change of a todo whose create is still queued follows that create in the outbox.
    const locked = this.readOnly;
    return html`<div class="todo ${t.completed ? 'done' : ''}">
      <label class="check">
        <input type="checkbox" .checked=${t.completed} ?disabled=${locked} @change=${this.#onToggle} />
        <span class="title">${t.title}</span>
      </label>
      ${t.pending === 'saved' ? nothing : html`<span class="pending ${t.pending}">${PENDING_TEXT[t.pending]}</span>`}
      <button type="button" class="ghost edit-button" aria-label=${`Edit ${t.title}`} ?disabled=${locked} @click=${this.#startEdit}>Edit</button>
      <button type="button" class="ghost danger" aria-label=${`Delete ${t.title}`} ?disabled=${locked} @click=${this.#onDelete}>Delete</button>
    </div>`;
  }

  focusCheckbox(): void {
    this.$<HTMLInputElement>('input[type=checkbox]')?.focus();
  }

  get #editInput() {
    return this.$<HTMLInputElement>('input.edit');
  }

  async #startEdit() {
    this._editing = true;
    await this.updateComplete;
    this.#editInput?.focus();
    this.#editInput?.select();
  }

  async #stopEdit() {
    this._editing = false;
    await this.updateComplete;
    this.$<HTMLButtonElement>('.edit-button')?.focus();
  }

  #onEditKey(e: KeyboardEvent) {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      void this.#stopEdit();
    }
  }

  #onSave(e: Event) {
    e.preventDefault();
    const title = this.#editInput?.value.trim() ?? '';
    if (title && title !== this.todo.title) this.fire('edit-todo', { id: this.todo.id, title } satisfies EditTodoDetail);
    void this.#stopEdit();
  }

  #onToggle(e: Event) {
    const completed = (e.target as HTMLInputElement).checked;
    this.fire('toggle-todo', { id: this.todo.id, completed } satisfies ToggleTodoDetail);
  }

  #onDelete() {
    this.fire('delete-todo', { id: this.todo.id } satisfies DeleteTodoDetail);
  }
}
customElements.define('todo-item', TodoItem);

declare global {
  interface HTMLElementTagNameMap {
    'todo-item': TodoItem;
  }
}
