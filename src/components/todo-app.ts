import { html, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { loadDraft, saveDraft } from '../app/draft.ts';
import { deriveScreen, type MainView } from '../app/screen.ts';
import type { TodoApi } from '../app/todo-api.ts';
import { TodosController, type TodosSnapshot } from '../app/todos-controller.ts';
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
@customElement('todo-app')
export class TodoApp extends LightElement {
  @property({ attribute: false }) vault?: VaultPort;
  @property({ attribute: false }) api?: TodoApi;

  @state() private _status: VaultStatus | null = null;
  @state() private _todos: TodosSnapshot | null = null;
  @state() private _online = navigator.onLine;
  @state() private _updateAvailable = false;
  @state() private _signingOut = false;
  @state() private _signOutFailed = false;
  @state() private _draft = loadDraft();

  @query('new-todo-form') private _form?: NewTodoForm;
  @query('todo-list') private _list?: TodoList;

  private _controller?: TodosController;
  private _unwire: (() => void)[] = [];
  private _wiredTo: [VaultPort, TodoApi] | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    addEventListener('online', this._onOnline);
    addEventListener('offline', this._onOffline);
    addEventListener('pageshow', this._onPageShow);
    this._wire();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    removeEventListener('online', this._onOnline);
    removeEventListener('offline', this._onOffline);
    removeEventListener('pageshow', this._onPageShow);
    this._unwireAll();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('vault') || changed.has('api')) this._wire();
  }

  private _unwireAll() {
    for (const off of this._unwire.splice(0)) off();
    this._wiredTo = undefined;
  }

  /** Idempotent: connectedCallback and the first update both call it with the same pair. */
  private _wire() {
    const { vault, api } = this;
    if (this._wiredTo && this._wiredTo[0] === vault && this._wiredTo[1] === api) return;
    this._unwireAll();
    if (!vault || !api || !this.isConnected) return;
    this._wiredTo = [vault, api];
    const controller = new TodosController(api);
    this._controller = controller;
    this._todos = controller.snapshot;
    this._unwire.push(
      controller.subscribe((s) => (this._todos = s)),
      vault.subscribe('status', (s) => this._onStatus(s)),
      vault.subscribe('updateAvailable', () => (this._updateAvailable = true)),
      vault.subscribe('userChanged', () => {
        // Another person's session came back: nothing of the previous one may stay on screen.
        this._setDraft('');
        controller.reset();
        this._onStatus(vault.status);
      }),
    );
    this._onStatus(vault.status);
  }

  private _onStatus(s: VaultStatus) {
    this._status = s;
    const c = this._controller;
    if (!c || s.kind !== 'ready') return;
    if (s.session.status === 'signed-out') c.reset();
    else if (s.session.status === 'signed-in' && c.snapshot.state.kind === 'idle') void c.load();
  }

  private _onOnline = () => {
    this._online = true;
    const st = this._controller?.snapshot.state;
    if (st?.kind === 'error' && (st.code === 'offline' || st.code === 'unreachable')) void this._controller?.load();
  };

  private _onOffline = () => {
    this._online = false;
  };

  /** Back/forward cache: the page may be minutes old; re-read the session and the list. */
  private _onPageShow = (e: PageTransitionEvent) => {
    if (!e.persisted || !this.vault) return;
    this._online = navigator.onLine;
    this._onStatus(this.vault.status);
    if (this._controller?.snapshot.state.kind !== 'idle') void this._controller?.load();
  };

  private _setDraft(text: string) {
    this._draft = text;
    saveDraft(text);
  }

  override render() {
    const screen = deriveScreen({
      vault: this._status,
      todos: this._todos ?? { state: { kind: 'idle' }, readOnly: false, sessionExpired: false, notice: null },
      online: this._online,
      authError: this.vault?.authError ?? null,
      updateAvailable: this._updateAvailable,
      signingOut: this._signingOut,
      signOutFailed: this._signOutFailed,
    });
    return html`<header class="app-header">
        <h1>Todos</h1>
        <session-bar .view=${screen.bar} sign-in-href=${this.vault?.signInHref() ?? '/login'} @sign-out=${this._onSignOut}></session-bar>
      </header>
      <main class="app-main">
        <status-banner .banners=${screen.banners} @banner-action=${this._onBannerAction}></status-banner>
        ${this._main(screen.main)}
      </main>
      <footer class="app-footer"><session-panel .status=${this._status}></session-panel></footer>`;
  }

  private _main(m: MainView) {
    switch (m.kind) {
      case 'starting':
        return html`<p class="card muted" aria-busy="true">Starting…</p>`;
      case 'unavailable':
        return html`<section class="card"><h2>Signing in is not possible in this browser</h2><p>${m.text}</p></section>`;
      case 'signed-out':
        return m.expired
          ? html`<section class="card"><h2>Your session has expired</h2><p>Your todos are safe. Sign in again to continue right where you were.</p></section>`
          : html`<section class="card"><h2>Your todos, in one calm place</h2><p>Sign in to see, add and tick off your todos. They are kept for you on any device you sign in from.</p></section>`;
      case 'signing-out':
        return html`<p class="card muted" aria-busy="true">Signing you out…</p>`;
      case 'recovering':
        return this._skeleton('Restoring your session…');
      case 'loading':
        return this._skeleton('Loading your todos…');
      case 'load-failed':
        return html`<p class="card muted">Your todos could not be loaded.</p>`;
      case 'list':
        return html`<section class="card" aria-busy=${m.saving ? 'true' : 'false'}>
          <h2 class="visually-hidden">Your todos</h2>
          <new-todo-form
            .value=${this._draft}
            ?disabled=${m.readOnly}
            @draft-change=${(e: CustomEvent<DraftChangeDetail>) => this._setDraft(e.detail.value)}
            @add-todo=${this._onAdd}
          ></new-todo-form>
          <todo-list
            .todos=${m.todos}
            ?read-only=${m.readOnly}
            @toggle-todo=${(e: CustomEvent<ToggleTodoDetail>) => void this._controller?.toggle(e.detail.id, e.detail.completed)}
            @edit-todo=${(e: CustomEvent<EditTodoDetail>) => void this._controller?.edit(e.detail.id, e.detail.title)}
            @delete-todo=${this._onDelete}
          ></todo-list>
        </section>`;
    }
  }

  private _skeleton(label: string) {
    return html`<section class="card" aria-busy="true">
      <p class="muted">${label}</p>
      <div class="skeleton" aria-hidden="true"><span></span><span></span><span></span></div>
    </section>`;
  }

  private async _onAdd(e: CustomEvent<AddTodoDetail>) {
    const title = e.detail.title;
    this._setDraft('');
    const ok = (await this._controller?.add(title)) ?? false;
    // Give the words back if they could not be saved and nothing new was typed meanwhile.
    if (!ok && !this._draft) this._setDraft(title);
  }

  private async _onDelete(e: CustomEvent<DeleteTodoDetail>) {
    const st = this._controller?.snapshot.state;
    const index = st?.kind === 'ready' ? st.todos.findIndex((t) => t.id === e.detail.id) : -1;
    const done = this._controller?.remove(e.detail.id);
    await this.updateComplete;
    // Focus moves to the todo that took its place, or back to "New todo" when none did.
    if (!(await this._list?.focusAt(index))) this._form?.focusInput();
    await done;
  }

  private async _onSignOut() {
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

  private _onBannerAction(e: CustomEvent<BannerActionDetail>) {
    const { kind, key } = e.detail;
    if (kind === 'retry') void this._controller?.load();
    else if (kind === 'update') void this.vault?.applyUpdate();
    else if (kind === 'reload') location.reload();
    else if (key === 'notice') this._controller?.dismissNotice();
    else if (key === 'sign-out-failed') this._signOutFailed = false;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'todo-app': TodoApp;
  }
}
