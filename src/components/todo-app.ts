import { html, type PropertyValues } from 'lit';
import { loadDraft, saveDraft } from '../app/draft.ts';
import { deriveScreen, type MainView } from '../app/screen.ts';
import type { TodoApi } from '../app/todo-api.ts';
import { IDLE, TodosController, type TodosSnapshot } from '../app/todos-controller.ts';
import type { VaultPort, VaultStatus } from '../app/vault-port.ts';
import { LightElement } from './light-element.ts';
import type { NewTodoForm } from './new-todo-form.ts';
import type { TodoList } from './todo-list.ts';
import type { BannerActionDetail } from './status-banner.ts';
import type { AddTodoDetail, DraftChangeDetail } from './new-todo-form.ts';
import type { DeleteTodoDetail, EditTodoDetail, ToggleTodoDetail } from './todo-item.ts';
import './new-todo-form.ts';
import './session-bar.ts';
import './session-panel.ts';
import './status-banner.ts';
import './todo-list.ts';

/**
 * The app shell. Wiring only: the vault (injected) says where the session stands, the
 * TodosController owns the list, `deriveScreen` decides what is shown.
 */
export class TodoApp extends LightElement {
  static override properties = {
    vault: { attribute: false },
    api: { attribute: false },
    _status: { state: true },
    _todos: { state: true },
    _online: { state: true },
    _updateAvailable: { state: true },
    _signingOut: { state: true },
    _signOutFailed: { state: true },
    _draft: { state: true },
  };

  declare vault?: VaultPort;
  declare api?: TodoApi;

  private _status: VaultStatus | null = null;
  private _todos: TodosSnapshot | null = null;
  private _online = navigator.onLine;
  private _updateAvailable = false;
  private _signingOut = false;
  private _signOutFailed = false;
  private _draft = loadDraft();

  #controller?: TodosController;
  #unwire: (() => void)[] = [];
  #wiredTo: [VaultPort, TodoApi] | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    addEventListener('online', this.#onOnline);
    addEventListener('offline', this.#onOffline);
    addEventListener('pageshow', this.#onPageShow);
    this.#wire();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    removeEventListener('online', this.#onOnline);
    removeEventListener('offline', this.#onOffline);
    removeEventListener('pageshow', this.#onPageShow);
    this.#unwireAll();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('vault') || changed.has('api')) this.#wire();
  }

  #unwireAll() {
    for (const off of this.#unwire.splice(0)) off();
    this.#wiredTo = undefined;
  }

  /** Idempotent: connectedCallback and the first update both call it with the same pair. */
  #wire() {
    const { vault, api } = this;
    if (this.#wiredTo && this.#wiredTo[0] === vault && this.#wiredTo[1] === api) return;
    this.#unwireAll();
    if (!vault || !api || !this.isConnected) return;
    this.#wiredTo = [vault, api];
    const controller = new TodosController(api);
    this.#controller = controller;
    this._todos = controller.snapshot;
    this.#unwire.push(
      controller.subscribe((s) => (this._todos = s)),
      vault.subscribe('status', (s) => this.#onStatus(s)),
      vault.subscribe('updateAvailable', () => (this._updateAvailable = true)),
      vault.subscribe('userChanged', () => {
        // Another person's session came back: nothing of the previous one may stay on screen.
        this.#setDraft('');
        controller.reset();
        this.#onStatus(vault.status);
      }),
    );
    this.#onStatus(vault.status);
  }

  #onStatus(s: VaultStatus) {
    this._status = s;
    const c = this.#controller;
    if (!c || s.kind !== 'ready') return;
    if (s.session.status === 'signed-out') c.reset();
    else if (s.session.status === 'signed-in' && c.snapshot.state.kind === 'idle') void c.load();
  }

  #onOnline = () => {
    this._online = true;
    const st = this.#controller?.snapshot.state;
    if (st?.kind === 'error' && (st.code === 'offline' || st.code === 'unreachable')) void this.#controller?.load();
  };

  #onOffline = () => {
    this._online = false;
  };

  /** Back/forward cache: the page may be minutes old; re-read the session and the list. */
  #onPageShow = (e: PageTransitionEvent) => {
    if (!e.persisted || !this.vault) return;
    this._online = navigator.onLine;
    this.#onStatus(this.vault.status);
    if (this.#controller?.snapshot.state.kind !== 'idle') void this.#controller?.load();
  };

  #setDraft(text: string) {
    this._draft = text;
    saveDraft(text);
  }

  override render() {
    const screen = deriveScreen({
      vault: this._status,
      todos: this._todos ?? IDLE,
      online: this._online,
      authError: this.vault?.authError ?? null,
      updateAvailable: this._updateAvailable,
      signingOut: this._signingOut,
      signOutFailed: this._signOutFailed,
    });
    return html`<header class="app-header">
        <h1>Todos</h1>
        <session-bar .view=${screen.bar} sign-in-href=${this.vault?.signInHref() ?? '/login'} @sign-out=${this.#onSignOut}></session-bar>
      </header>
      <main class="app-main">
        <status-banner .banners=${screen.banners} @banner-action=${this.#onBannerAction}></status-banner>
        ${this.#main(screen.main)}
      </main>
      <footer class="app-footer"><session-panel .status=${this._status}></session-panel></footer>`;
  }

  #main(m: MainView) {
    switch (m.kind) {
      case 'starting':
        return html`<p class="card muted" aria-busy="true">Starting…</p>`;
      case 'unavailable':
        return html`<section class="card"><h2>Signing in is not possible in this browser</h2><p>${m.text}</p></section>`;
      case 'signed-out':
        return m.expired
          ? html`<section class="card"><h2>Your session has expired</h2><p>Your todos are safe. Sign in again to continue right where you were.</p></section>`
          : html`<section class="card"><h2>Your todos, in one calm place</h2><p>Sign in to see, add and tick off your todos. They are kept for you on any device you sign in from.</p></section>`;
      case 'continue':
        return html`<section class="card"><h2>Welcome back</h2>
          <p>The sign-in service needs you to confirm before your session can continue.</p>
          <p><a class="button primary" href=${this.vault?.signInHref() ?? '/login'}>${m.name ? `Continue as ${m.name}` : 'Continue'}</a></p>
        </section>`;
      case 'signing-out':
        return html`<p class="card muted" aria-busy="true">Signing you out…</p>`;
      case 'recovering':
        return this.#skeleton('Restoring your session…');
      case 'loading':
        return this.#skeleton('Loading your todos…');
      case 'load-failed':
        return html`<p class="card muted">Your todos could not be loaded.</p>`;
      case 'list':
        return html`<section class="card" aria-busy=${m.saving ? 'true' : 'false'}>
          <h2 class="visually-hidden">Your todos</h2>
          <new-todo-form
            .value=${this._draft}
            ?disabled=${m.readOnly}
            @draft-change=${(e: CustomEvent<DraftChangeDetail>) => this.#setDraft(e.detail.value)}
            @add-todo=${this.#onAdd}
          ></new-todo-form>
          <todo-list
            .todos=${m.todos}
            ?read-only=${m.readOnly}
            @toggle-todo=${(e: CustomEvent<ToggleTodoDetail>) => void this.#controller?.toggle(e.detail.id, e.detail.completed)}
            @edit-todo=${(e: CustomEvent<EditTodoDetail>) => void this.#controller?.edit(e.detail.id, e.detail.title)}
            @delete-todo=${this.#onDelete}
          ></todo-list>
        </section>`;
    }
  }

  #skeleton(label: string) {
    return html`<section class="card" aria-busy="true">
      <p class="muted">${label}</p>
      <div class="skeleton" aria-hidden="true"><span></span><span></span><span></span></div>
    </section>`;
  }

  async #onAdd(e: CustomEvent<AddTodoDetail>) {
    const title = e.detail.title;
    this.#setDraft('');
    const ok = (await this.#controller?.add(title)) ?? false;
    // Give the words back if they could not be saved and nothing new was typed meanwhile.
    if (!ok && !this._draft) this.#setDraft(title);
  }

  async #onDelete(e: CustomEvent<DeleteTodoDetail>) {
    const st = this.#controller?.snapshot.state;
    const index = st?.kind === 'ready' ? st.todos.findIndex((t) => t.id === e.detail.id) : -1;
    const done = this.#controller?.remove(e.detail.id);
    await this.updateComplete;
    // Focus moves to the todo that took its place, or back to "New todo" when none did.
    if (!(await this.$<TodoList>('todo-list')?.focusAt(index))) this.$<NewTodoForm>('new-todo-form')?.focusInput();
    await done;
  }

  async #onSignOut() {
    if (!this.vault) return;
    this._signingOut = true;
    this._signOutFailed = false;
    try {
      await this.vault.signOut(); // navigates away on success
    } catch {
      this._signingOut = false;
      this._signOutFailed = true;
    }
  }

  #onBannerAction(e: CustomEvent<BannerActionDetail>) {
    const { kind, key } = e.detail;
    if (kind === 'retry') void this.#controller?.load();
    else if (kind === 'update') void this.vault?.applyUpdate();
    else if (kind === 'reload') location.reload();
    else if (key === 'notice') this.#controller?.dismissNotice();
    else if (key === 'sign-out-failed') this._signOutFailed = false;
  }
}

customElements.define('todo-app', TodoApp);

declare global {
  interface HTMLElementTagNameMap {
    'todo-app': TodoApp;
  }
}
