import { html, nothing, type PropertyValues } from 'lit';
import type { UserProfile } from '../../sw/protocol.ts';
import { saveDraft } from '../app/draft.ts';
import { deriveScreen, type Texts } from '../app/screen.ts';
import type { TodoApi } from '../app/todo-api.ts';
import type { TodosController } from '../app/todos-controller.ts';
import { IDLE, type TodosSnapshot } from '../app/todos-state.ts';
import type { VaultPort, VaultStatus } from '../app/vault-port.ts';
import { LightElement } from './light-element.ts';
import { renderMain } from './main-view.ts';
import type { BannerActionDetail } from './status-banner.ts';
import type { TodoBoard } from './todo-board.ts';
import './session-bar.ts';
import './status-banner.ts';
import { logger } from '../app/log.ts';

const log = logger('todo-app');

/**
 * What only a signed-in user's screen needs, loaded once a session is known, not before the
 * first render (issue 10 item 6): the list, its elements, the outbox and its sender.
 */
const loadSignedIn = () => Promise.all([import('../signed-in.ts'), loadTexts()]);

let texts: Promise<Texts> | undefined;
const loadTexts = (): Promise<Texts> =>
  (texts ??= import('../app/messages.ts').catch((e: unknown) => {
    texts = undefined;
    throw e;
  }));

/**
 * The app shell. Wiring only: the vault (injected) says where the session stands, a
 * TodosController (one per signed-in user) owns the list, `deriveScreen` decides what is shown.
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
    _lastUser: { state: true },
    _texts: { state: true },
  };

  declare vault?: VaultPort;
  declare api?: TodoApi;

  private _status: VaultStatus | null = null;
  private _todos: TodosSnapshot = IDLE;
  private _online = navigator.onLine;
  private _updateAvailable = false;
  private _signingOut = false;
  private _signOutFailed = false;
  private _lastUser: UserProfile | null = null;
  private _texts: Texts | null = null;

  #controller: TodosController | undefined;
  /** Bumped whenever the controller is dropped, so a late module load creates none. */
  #controllerGen = 0;
  #unwire: (() => void)[] = [];
  #wiredTo: [VaultPort, TodoApi] | undefined;

  /** The controller, for tests that wait for its sender. */
  get todos(): TodosController | undefined {
    return this.#controller;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    addEventListener('online', this.#onOnline);
    addEventListener('offline', this.#onOffline);
    addEventListener('pageshow', this.#onOnline);
    this.#wire();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    removeEventListener('online', this.#onOnline);
    removeEventListener('offline', this.#onOffline);
    removeEventListener('pageshow', this.#onOnline);
    this.#unwireAll();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('vault') || changed.has('api')) this.#wire();
  }

  #unwireAll() {
    for (const off of this.#unwire.splice(0)) off();
    this.#wiredTo = undefined;
    this.#dropController();
  }

  /** Idempotent: connectedCallback and the first update both call it with the same pair. */
  #wire() {
    const { vault, api } = this;
    if (this.#wiredTo && this.#wiredTo[0] === vault && this.#wiredTo[1] === api) return;
    this.#unwireAll();
    if (!vault || !api || !this.isConnected) return;
    this.#wiredTo = [vault, api];
    this.#unwire.push(
      vault.subscribe('status', (s) => this.#onStatus(s)),
      vault.subscribe('updateAvailable', () => (this._updateAvailable = true)),
      vault.subscribe('userChanged', () => {
        // Another person's session came back: nothing of the previous one may stay on screen.
        saveDraft('');
        this._lastUser = null;
        this.#dropController();
        this.#onStatus(vault.status);
      }),
    );
    this.#onStatus(vault.status);
  }

  #needTexts() {
    if (!this._texts)
      void loadTexts().then(
        (t) => (this._texts = t),
        (e: unknown) => log.debug('texts not loaded', e),
      );
  }

  #onStatus(s: VaultStatus) {
    this._status = s;
    if (this.vault?.authError || s.kind === 'unavailable') this.#needTexts();
    if (s.kind !== 'ready') return;
    const session = s.session;
    if (session.status === 'signed-in') {
      this._lastUser = session.user;
      void this.#signedIn(session.user.sub);
    } else if (session.status === 'signed-out') {
      this._lastUser = null;
      this.#dropController();
    }
    // Reconnecting: the list stays, changes queue, the sender waits for the session.
  }

  async #signedIn(sub: string): Promise<void> {
    const c = this.#controller;
    if (c?.sub === sub) {
      if (c.snapshot.state.kind === 'idle') void c.load();
      c.wake();
      return;
    }
    this.#dropController();
    const gen = this.#controllerGen;
    let mod: Awaited<ReturnType<typeof loadSignedIn>>[0];
    try {
      [mod, this._texts] = await loadSignedIn();
    } catch (e) {
      log.debug('could not load the list', e);
      // The app's own files did not arrive: Retry, or coming back online, tries again.
      this._todos = { ...IDLE, state: { kind: 'error', code: navigator.onLine ? 'unreachable' : 'offline', retrying: false } };
      return;
    }
    const vault = this.vault;
    const api = this.api;
    if (gen !== this.#controllerGen || !vault || !api) return;
    const controller = new mod.TodosController({
      api,
      sub,
      blocked: () => {
        if (!navigator.onLine) return 'offline';
        const st = vault.status;
        return st.kind === 'ready' && st.session.status === 'signed-in' && st.session.user.sub === sub ? null : 'signed-out';
      },
    });
    this.#controller = controller;
    this._todos = controller.snapshot;
    controller.subscribe((snap) => (this._todos = snap));
    void controller.load();
  }

  #dropController() {
    this.#controllerGen++;
    this.#controller?.dispose();
    this.#controller = undefined;
    this._todos = IDLE;
  }

  /** `online`, and back from the back/forward cache (where `online`/`offline` were missed). */
  #onOnline = () => {
    this._online = navigator.onLine;
    if (this._online && !this.#controller && this._todos.state.kind === 'error' && this._status) this.#onStatus(this._status);
  };

  #onOffline = () => {
    this._online = false;
  };

  override render() {
    const screen = deriveScreen({
      texts: this._texts,
      vault: this._status,
      todos: this._todos,
      online: this._online,
      authError: this.vault?.authError ?? null,
      updateAvailable: this._updateAvailable,
      signingOut: this._signingOut,
      signOutFailed: this._signOutFailed,
      lastUser: this._lastUser,
    });
    const signedIn = this._status?.kind === 'ready' && this._status.session.status === 'signed-in';
    return html`<header class="app-header">
        <h1>Todos</h1>
        <session-bar .view=${screen.bar} sign-in-href=${this.vault?.signInHref() ?? '/login'} @sign-out=${this.#onSignOut}></session-bar>
      </header>
      <main class="app-main">
        <status-banner .banners=${screen.banners} @banner-action=${this.#onBannerAction} @focus-lost=${this.#focusSafe}></status-banner>
        ${renderMain(screen.main, { controller: this.#controller, texts: this._texts, signInHref: this.vault?.signInHref() ?? '/login' })}
      </main>
      ${signedIn ? html`<footer class="app-footer"><session-panel .status=${this._status}></session-panel></footer>` : nothing}`;
  }

  get #board(): TodoBoard | null {
    return this.$<TodoBoard>('todo-board');
  }

  readonly #focusSafe = () => this.#board?.focusSafe();

  async #onSignOut() {
    if (!this.vault) return;
    this._signingOut = true;
    this._signOutFailed = false;
    try {
      await this.vault.signOut(); // navigates away on success
    } catch {
      // Not silent: the banner says sign-out failed and the SW's debug log has why. (No log call
      // here: this file ships before first render, and the 14 KB budget has no bytes left.)
      this._signingOut = false;
      this._signOutFailed = true;
    }
  }

  #onBannerAction(e: CustomEvent<BannerActionDetail>) {
    const { kind, key, ref } = e.detail;
    if (kind === 'retry') {
      const c = this.#controller;
      if (c) void c.load();
      else if (this._status?.kind === 'ready') this.#onStatus(this._status);
    } else if (kind === 'update') void this.vault?.applyUpdate();
    else if (kind === 'reload') location.reload();
    else if (kind === 'undo' && ref !== undefined) void this.#board?.undo(ref);
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
