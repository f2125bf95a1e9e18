/**
 * The page side of the token vault: registers `/sw.js` before any other app code, makes sure the
 * page is controlled, keeps the SW alive while the page is visible, hosts silent recovery, and
 * turns the SW's session into `VaultStatus`. It never holds, sees or stores a token: the SW adds
 * the token to the page's own `fetch` calls. The parts: sw-lifecycle.ts (registration and
 * control), recovery-host.ts (the hidden iframe), heartbeat.ts, session-belief.ts.
 */
import type { AuthErrorCode, Broadcast, SessionResult, SignInHref, SignOutHref, SilentRecoveryPath, SwRoutes } from '../../sw/protocol.ts';
import { scrubCallbackUrl } from './callback-scrub.ts';
import { VaultError } from './errors.ts';
import { startHeartbeat } from './heartbeat.ts';
import { servedWithoutConfig } from './offline-shell.ts';
import { believedSignedIn, noteSession } from './session-belief.ts';
import { request } from './sw-channel.ts';
import {
  container,
  controller,
  controllerChange,
  guardAvailable,
  register,
  RELOAD_GUARD,
  resetGuard,
  takeControl,
  TOP_LEVEL_GUARD,
  withTimeout,
} from './sw-lifecycle.ts';
import { SW_URL } from './trusted-url.ts';
import type { Vault, VaultEvents, VaultStatus } from './types.ts';

export type { Vault, VaultEvents, VaultStatus } from './types.ts';
export { VaultError } from './errors.ts';

/** The SW's routes as this page links to them (protocol.ts types keep them equal to the SW's). */
const LOGIN: SwRoutes['login'] = '/login';
const LOGOUT: SwRoutes['logout'] = '/logout';

/**
 * What the page itself is busy with, besides the SW's session. API calls wait while it is
 * recovering (hosting the iframe) or resyncing (back from the back/forward cache); `updating`
 * is the moment between "Reload to update" and the reload, when only the reloaded page may
 * greet the new SW.
 */
type Activity = 'idle' | 'recovering' | 'resyncing' | 'updating';
const HOLDS_API: Record<Activity, boolean> = { idle: false, recovering: true, resyncing: true, updating: false };

const unavailableError = () => new VaultError('sw_unavailable', 'service worker unavailable');

type Listener = (value: never) => void;

class VaultClient implements Vault {
  status: VaultStatus = { kind: 'starting' };
  readonly authError: AuthErrorCode | null;
  readonly #listeners: Record<keyof VaultEvents, Set<Listener>> = { status: new Set(), updateAvailable: new Set(), userChanged: new Set() };
  #activity: Activity = 'idle';
  #readyWaiters: Array<[resolve: () => void, reject: (e: unknown) => void]> = [];
  readonly #restartSignIn: boolean;
  #swInstanceId: string | undefined;

  constructor() {
    const scrub = scrubCallbackUrl();
    this.authError = scrub.authError;
    this.#restartSignIn = scrub.restartSignIn;
    // Added before the app's own pageshow listener, so its re-load waits for the fresh session.
    addEventListener('pageshow', this.#onPageShow);
    void this.#start();
  }

  subscribe<K extends keyof VaultEvents>(event: K, listener: (value: VaultEvents[K]) => void): () => void {
    const set = this.#listeners[event];
    set.add(listener);
    return () => set.delete(listener);
  }

  signInHref(returnTo: string = location.pathname + location.search): SignInHref {
    return `${LOGIN}?returnTo=${encodeURIComponent(returnTo)}`;
  }

  async signOut(): Promise<void> {
    const { ticket } = await request<'logout-ticket'>(controller(), { type: 'logout-ticket' });
    const href: SignOutHref = `${LOGOUT}?ticket=${encodeURIComponent(ticket)}`;
    location.assign(href);
  }

  async applyUpdate(): Promise<void> {
    const waiting = (await container().getRegistration('/'))?.waiting;
    if (!waiting) return;
    // The new SW starts without tokens. Its silent recovery must run in the reloaded page: an
    // iframe started here dies with this document, and the SW would wait for it in vain.
    this.#activity = 'updating';
    try {
      const changed = controllerChange();
      await request<'skip-waiting'>(waiting, { type: 'skip-waiting' });
      // No controllerchange in time: reload anyway, the new SW is active by then.
      await withTimeout(changed, 'update activation').catch(() => undefined);
      if (guardAvailable(RELOAD_GUARD)) {
        location.reload();
        return;
      }
    } finally {
      this.#activity = 'idle';
    }
    if (container().controller) await this.#hello();
  }

  whenApiReady(): Promise<void> {
    if (this.#apiReady()) return Promise.resolve();
    if (this.status.kind === 'unavailable') return Promise.reject(unavailableError());
    return new Promise((resolve, reject) => this.#readyWaiters.push([resolve, reject]));
  }

  #apiReady(): boolean {
    return this.status.kind === 'ready' && this.status.session.status !== 'recovering' && !HOLDS_API[this.#activity];
  }

  /**
   * Back/forward cache: the page was frozen, and the SW's broadcasts (sign-out in another tab,
   * another user) never reached it. Ask again; API calls wait for the answer.
   */
  readonly #onPageShow = (e: PageTransitionEvent): void => {
    if (!e.persisted || this.status.kind !== 'ready' || this.#activity !== 'idle') return;
    this.#activity = 'resyncing';
    void this.#hello().finally(() => this.#settle('resyncing'));
  };

  /** `from` is over (unless something else took over meanwhile); waiting API calls may go. */
  #settle(from: Activity): void {
    if (this.#activity === from) this.#activity = 'idle';
    this.#settleWaiters();
  }

  #emit<K extends keyof VaultEvents>(event: K, value: VaultEvents[K]): void {
    for (const l of [...this.#listeners[event]] as Array<(v: VaultEvents[K]) => void>) l(value);
  }

  #setStatus(next: VaultStatus): void {
    this.status = next;
    this.#emit('status', next);
    if (next.kind === 'ready') {
      if (next.session.status === 'signed-in') resetGuard(TOP_LEVEL_GUARD);
      const changed = noteSession(next.session);
      if (changed) this.#emit('userChanged', changed);
    }
    this.#settleWaiters();
  }

  #ready(res: SessionResult): void {
    this.#swInstanceId = res.swInstanceId;
    this.#setStatus({ kind: 'ready', session: res.session, swInstanceId: res.swInstanceId });
  }

  #settleWaiters(): void {
    const ready = this.#apiReady();
    if (ready || this.status.kind === 'unavailable') {
      for (const [resolve, reject] of this.#readyWaiters.splice(0)) {
        if (ready) resolve();
        else reject(unavailableError());
      }
    }
  }

  #unavailable(reason: 'unsupported' | 'insecure-context' | 'blocked' | 'failed'): void {
    this.#setStatus({ kind: 'unavailable', reason });
  }

  async #start(): Promise<void> {
    // Served by the offline shell without config: this page cannot reach the API and reloads once
    // the config is back. Saying hello now would start a silent recovery bound to fail offline.
    if (servedWithoutConfig()) return;
    const blocked = !window.isSecureContext ? 'insecure-context' : !('serviceWorker' in navigator) ? 'unsupported' : undefined;
    if (blocked) {
      this.#unavailable(blocked);
      return;
    }
    const sw = container();
    try {
      sw.addEventListener('message', this.#onBroadcast);
      const registered = await register(() => {
        this.#emit('updateAvailable', undefined);
      });
      // An update that already waits is news only to a page an older version controls.
      if (registered?.reg.waiting && sw.controller) this.#emit('updateAvailable', undefined);
      const control = registered ? (sw.controller ? 'controlled' : await takeControl(registered)) : 'failed';
      if (control === 'reloading') return;
      if (control === 'failed') {
        this.#unavailable('failed');
        return;
      }
      sw.addEventListener('controllerchange', () => {
        if (this.#activity !== 'updating') void this.#hello();
      });
      await this.#hello();
      if (this.#restartSignIn && this.status.kind === 'ready' && this.status.session.status !== 'signed-in') {
        location.assign(this.signInHref('/'));
        return;
      }
      startHeartbeat(this.#beat);
    } catch (e) {
      const name = (e as { name?: string }).name;
      this.#unavailable(name === 'SecurityError' || name === 'NotSupportedError' ? 'blocked' : 'failed');
    }
  }

  async #hello(): Promise<void> {
    try {
      const res = await request<'hello'>(controller(), { type: 'hello', believedSignedIn: believedSignedIn() });
      this.#ready(res);
      if (res.silentRecoveryPath) await this.#recover(res.silentRecoveryPath);
    } catch {
      // No answer from the SW we are controlled by: nothing works without it; Reload is offered.
      this.#unavailable('failed');
    }
  }

  async #recover(path: SilentRecoveryPath): Promise<void> {
    if (this.#activity === 'recovering') return;
    this.#activity = 'recovering';
    try {
      const { hostRecovery } = await import('./recovery-host.ts');
      const res = await hostRecovery(path, controller());
      if (res === 'navigating') return;
      // Unlike hello, the remembered instance id stays: a changed one makes the next heartbeat say hello.
      this.#activity = 'idle';
      this.#setStatus({ kind: 'ready', session: res.session, swInstanceId: res.swInstanceId });
    } catch {
      // The SW did not answer about the iframe: its next broadcast or hello says where it stands.
    } finally {
      this.#settle('recovering');
    }
  }

  readonly #onBroadcast = (event: MessageEvent): void => {
    if ((event.origin !== location.origin && event.origin !== '') || event.source !== container().controller) return;
    const data = event.data as Partial<Broadcast> | null;
    if (!data || data.v !== 1 || data.marker !== 'sw-token-vault') return;
    if (data.type === 'session-changed' && data.session && typeof data.swInstanceId === 'string') {
      this.#ready({ session: data.session, swInstanceId: data.swInstanceId });
    } else if (data.type === 'recovery-needed' && data.silentRecoveryPath) {
      if (document.visibilityState === 'visible') void this.#recover(data.silentRecoveryPath);
    }
  };

  readonly #beat = async (): Promise<void> => {
    if (!container().controller) return;
    try {
      const res = await request<'heartbeat'>(controller(), { type: 'heartbeat' });
      // A new instance id: the browser stopped and restarted the SW; say hello again.
      if (res.swInstanceId !== this.#swInstanceId && this.#activity !== 'updating') await this.#hello();
    } catch {
      // A missed beat is not fatal: the next one or the next API call wakes the SW.
    }
  };
}

let instance: VaultClient | undefined;

/** Registers /sw.js before any other app code; never throws (failures become status 'unavailable'). */
export function startVault(): Vault {
  if (!instance && servedWithoutConfig()) {
    void import('./offline-reload.ts').then(
      (m) => {
        m.reloadWhenConfigReachable();
      },
      // The shell serves this chunk too; if even that fails, the user's own reload still works.
      () => undefined,
    );
  }
  return (instance ??= new VaultClient());
}

export { SW_URL };
