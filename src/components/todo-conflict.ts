import { html } from 'lit';
import type { Todo } from '../app/todo-api.ts';
import type { ConflictView } from '../app/todo-view.ts';
import { LightElement } from './light-element.ts';

export interface ResolveConflictDetail {
  readonly seq: number;
  readonly choice: 'mine' | 'theirs';
}

const describe = (t: Todo | null) => (t ? html`<span class="title">${t.title}</span>, ${t.completed ? 'done' : 'not done'}` : 'deleted');

let ids = 0;

/**
 * A change from the outbox that the API refused with 412 (issue 9 item 4): the version saved
 * elsewhere and the user's, side by side, and the two ways out. A named region, so a screen
 * reader user can find it from the banner that announced it.
 *
 * @fires resolve-conflict - "Keep mine" or "Keep theirs"; detail {@link ResolveConflictDetail}
 */
export class TodoConflict extends LightElement {
  static override properties = { conflict: { attribute: false } };

  declare conflict: ConflictView;
  readonly #id = `conflict-${++ids}`;

  override render() {
    const { theirs, mine, entry } = this.conflict;
    const heading = `${this.#id}-h`;
    return html`<section class="conflict" aria-labelledby=${heading}>
      <h3 id=${heading}>“${theirs.title}” was changed somewhere else</h3>
      <dl>
        <div>
          <dt>Saved elsewhere</dt>
          <dd>${describe(theirs)}</dd>
        </div>
        <div>
          <dt>Yours, not saved</dt>
          <dd>${describe(mine)}</dd>
        </div>
      </dl>
      <div class="actions">
        <button type="button" class="primary" aria-describedby=${heading} @click=${() => this.#choose(entry.seq, 'mine')}>Keep mine</button>
        <button type="button" aria-describedby=${heading} @click=${() => this.#choose(entry.seq, 'theirs')}>Keep theirs</button>
      </div>
    </section>`;
  }

  /** Focus "Keep mine" (after another conflict was resolved). */
  focusFirst(): void {
    this.$<HTMLButtonElement>('button')?.focus();
  }

  #choose(seq: number, choice: 'mine' | 'theirs') {
    this.fire('resolve-conflict', { seq, choice } satisfies ResolveConflictDetail);
  }
}
customElements.define('todo-conflict', TodoConflict);

declare global {
  interface HTMLElementTagNameMap {
    'todo-conflict': TodoConflict;
  }
}
