import { html, nothing, type TemplateResult } from 'lit';
import type { MainView, Texts } from '../app/screen.ts';
import type { TodosController } from '../app/todos-controller.ts';

/** What the main area needs from the app shell; the list itself is `<todo-board>`'s. */
export interface MainViewContext {
  readonly controller: TodosController | undefined;
  readonly texts: Texts | null;
  readonly signInHref: string;
}

/**
 * The main area for each `MainView` (a template, not an element: it holds no state, and an
 * element of its own would cost bytes the page ships before first render).
 */
export function renderMain(m: MainView, c: MainViewContext): TemplateResult {
  switch (m.kind) {
    case 'starting':
      return html`<p class="card muted" aria-busy="true">Starting…</p>`;
    case 'unavailable':
      return html`<section class="card">
        <h2>Signing in is not possible in this browser</h2>
        <p>${m.text}</p>
      </section>`;
    case 'signed-out':
      return m.expired
        ? html`<section class="card">
            <h2>Your session has expired</h2>
            <p>Your todos are safe. Sign in again to continue right where you were.</p>
          </section>`
        : html`<section class="card">
            <h2>Your todos, in one calm place</h2>
            <p>Sign in to see, add and tick off your todos. They are kept for you on any device you sign in from.</p>
          </section>`;
    case 'continue':
      return html`<section class="card">
        <h2>Welcome back</h2>
        <p>${c.texts?.CONTINUE_TEXT}</p>
        <p><a class="button primary" href=${c.signInHref}>${m.name ? `Continue as ${m.name}` : 'Continue'}</a></p>
      </section>`;
    case 'signing-out':
      return html`<p class="card muted" aria-busy="true">Signing you out…</p>`;
    case 'recovering':
      return skeleton('Restoring your session…');
    case 'loading':
      return skeleton('Loading your todos…');
    case 'load-failed':
      return html`<section class="card">
        <p class="muted">Your todos could not be loaded.${m.retrying ? ' The app tries again by itself.' : ''}</p>
        ${m.queued && c.texts ? html`<p>${c.texts.queuedOnFailText(m.queued)}</p>` : nothing}
      </section>`;
    case 'list':
      return html`<todo-board .controller=${c.controller} .view=${m}></todo-board>`;
  }
}

function skeleton(label: string): TemplateResult {
  return html`<section class="card" aria-busy="true">
    <p class="muted">${label}</p>
    <div class="skeleton" aria-hidden="true"><span></span><span></span><span></span></div>
  </section>`;
}
