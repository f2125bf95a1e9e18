import { html } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { TodoView } from '../app/todo-view.ts';
import { LightElement } from './light-element.ts';
import './todo-item.ts';

/** The list of todos, or a friendly empty state. Item events bubble through unchanged. */
export class TodoList extends LightElement {
  static override properties = {
    todos: { attribute: false },
    readOnly: { type: Boolean, attribute: 'read-only' },
  };

  todos: readonly TodoView[] = [];
  readOnly = false;

  override render() {
    if (this.todos.length === 0) {
      return html`<p class="empty">${this.readOnly ? 'No todos here yet.' : 'Nothing to do yet. Add your first todo above.'}</p>`;
    }
    const left = this.todos.filter((t) => !t.completed).length;
    return html`<ul class="todos" aria-label="Todos">
        ${repeat(
          this.todos,
          (t) => t.key,
          (t) => html`<li><todo-item .todo=${t} ?read-only=${this.readOnly}></todo-item></li>`,
        )}
      </ul>
      <p class="count">${left === 1 ? '1 item left' : `${left} items left`}</p>`;
  }

  /** Focus the checkbox of the todo at `index`; false when there is none (the list got shorter). */
  async focusAt(index: number): Promise<boolean> {
    await this.updateComplete;
    const item = this.querySelectorAll('todo-item')[index];
    if (!item) return false;
    await item.updateComplete;
    item.focusCheckbox();
    return true;
  }
}
customElements.define('todo-list', TodoList);

declare global {
  interface HTMLElementTagNameMap {
    'todo-list': TodoList;
  }
}
