import { html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { isUnsaved, type TodoView } from '../app/todos-controller.ts';
import { LightElement } from './light-element.ts';

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
@customElement('todo-item')
export class TodoItem extends LightElement {
  @property({ attribute: false }) todo!: TodoView;
  @property({ type: Boolean, attribute: 'read-only' }) readOnly = false;
  @state() private _editing = false;
  @query('input[type=checkbox]') private _checkbox?: HTMLInputElement;
  @query('.edit-button') private _editButton?: HTMLButtonElement;
  @query('input.edit') private _editInput?: HTMLInputElement;

  protected override willUpdate(changed: PropertyValues<this>): void {
    // The list reuses item elements by position: an edit belongs to one todo, not to a slot.
    if (changed.get('todo')?.id !== undefined && changed.get('todo')?.id !== this.todo.id) this._editing = false;
  }

  override render() {
    const t = this.todo;
    if (this._editing) {
      return html`<form class="todo editing" @submit=${this._onSave} @keydown=${this._onEditKey}>
        <input class="edit" aria-label=${`Rename ${t.title}`} maxlength="500" .value=${t.title} />
        <button type="submit" class="primary">Save</button>
        <button type="button" @click=${this._cancel}>Cancel</button>
      </form>`;
    }
    // Unsaved (just added) todos have no server id yet: nothing can be done to them until they do.
    const locked = this.readOnly || isUnsaved(t);
    return html`<div class="todo ${t.completed ? 'done' : ''}">
      <label class="check">
        <input type="checkbox" .checked=${t.completed} ?disabled=${locked} @change=${this._onToggle} />
        <span class="title">${t.title}</span>
      </label>
      ${t.saving ? html`<span class="saving">Saving…</span>` : nothing}
      <button type="button" class="ghost edit-button" aria-label=${`Edit ${t.title}`} ?disabled=${locked} @click=${this._startEdit}>Edit</button>
      <button type="button" class="ghost danger" aria-label=${`Delete ${t.title}`} ?disabled=${locked} @click=${this._onDelete}>Delete</button>
    </div>`;
  }

  focusCheckbox(): void {
    this._checkbox?.focus();
  }

  private async _startEdit() {
    this._editing = true;
    await this.updateComplete;
    this._editInput?.focus();
    this._editInput?.select();
  }

  private async _stopEdit() {
    this._editing = false;
    await this.updateComplete;
    this._editButton?.focus();
  }

  private _cancel() {
    void this._stopEdit();
  }

  private _onEditKey(e: KeyboardEvent) {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      this._cancel();
    }
  }

  private _onSave(e: Event) {
    e.preventDefault();
    const title = this._editInput?.value.trim() ?? '';
    if (title && title !== this.todo.title) {
      this.dispatchEvent(new CustomEvent<EditTodoDetail>('edit-todo', { bubbles: true, detail: { id: this.todo.id, title } }));
    }
    void this._stopEdit();
  }

  private _onToggle(e: Event) {
    const completed = (e.target as HTMLInputElement).checked;
    this.dispatchEvent(new CustomEvent<ToggleTodoDetail>('toggle-todo', { bubbles: true, detail: { id: this.todo.id, completed } }));
  }

  private _onDelete() {
    this.dispatchEvent(new CustomEvent<DeleteTodoDetail>('delete-todo', { bubbles: true, detail: { id: this.todo.id } }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'todo-item': TodoItem;
  }
}
