import { html } from 'lit';
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
export class NewTodoForm extends LightElement {
  static override properties = {
    value: {},
    disabled: { type: Boolean, reflect: true },
  };

  value = '';
  disabled = false;

  override render() {
    return html`<form class="new-todo" @submit=${this.#onSubmit}>
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
          @input=${this.#onInput}
        />
        <button type="submit" class="primary" ?disabled=${this.disabled}>Add</button>
      </div>
    </form>`;
  }

  get #input() {
    return this.$<HTMLInputElement>('input');
  }

  /** Focus the textbox (after add, and after the last todo is deleted). */
  focusInput(): void {
    this.#input?.focus();
  }

  #onInput(e: Event) {
    this.value = (e.target as HTMLInputElement).value;
    this.fire('draft-change', { value: this.value } satisfies DraftChangeDetail);
  }

  #onSubmit(e: Event) {
    e.preventDefault();
    const input = this.#input;
    if (!input) return;
    const title = input.value.trim();
    // Focus stays in "New todo" so the next one can be typed at once (even after clicking Add).
    input.focus();
    if (!title || this.disabled) return;
    this.fire('add-todo', { title } satisfies AddTodoDetail);
  }
}
customElements.define('new-todo-form', NewTodoForm);

declare global {
  interface HTMLElementTagNameMap {
    'new-todo-form': NewTodoForm;
  }
}
