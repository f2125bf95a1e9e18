import { html } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import { LightElement } from './light-element.ts';

export interface AddTodoDetail {
  readonly title: string;
}
export interface DraftChangeDetail {
  readonly value: string;
}

/**
 * The "New todo" textbox and "Add" button. The text is owned by the parent (`value`), so a draft
 * survives this element being re-created (recovery, reload).
 *
 * @fires add-todo - Enter or Add with a non-blank title; detail {@link AddTodoDetail}
 * @fires draft-change - on every edit; detail {@link DraftChangeDetail}
 */
@customElement('new-todo-form')
export class NewTodoForm extends LightElement {
  @property() value = '';
  @property({ type: Boolean, reflect: true }) disabled = false;
  @query('input') private _input!: HTMLInputElement;

  override render() {
    return html`<form class="new-todo" @submit=${this._onSubmit}>
      <label for="new-todo-title">New todo</label>
      <div class="row">
        <input
          id="new-todo-title"
          name="title"
          autocomplete="off"
          maxlength="500"
          placeholder="What needs doing?"
          .value=${this.value}
          ?disabled=${this.disabled}
          @input=${this._onInput}
        />
        <button type="submit" class="primary" ?disabled=${this.disabled}>Add</button>
      </div>
    </form>`;
  }

  /** Focus the textbox (after add, and after the last todo is deleted). */
  focusInput(): void {
    this._input?.focus();
  }

  private _onInput(e: Event) {
    this.value = (e.target as HTMLInputElement).value;
    this.dispatchEvent(new CustomEvent<DraftChangeDetail>('draft-change', { bubbles: true, detail: { value: this.value } }));
  }

  private _onSubmit(e: Event) {
    e.preventDefault();
    const title = this._input.value.trim();
    // Focus stays in "New todo" so the next one can be typed at once (even after clicking Add).
    this._input.focus();
    if (!title || this.disabled) return;
    this.dispatchEvent(new CustomEvent<AddTodoDetail>('add-todo', { bubbles: true, detail: { title } }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'new-todo-form': NewTodoForm;
  }
}
