/**
 * The page side of the token vault: registers `/sw.js` before any other app code, makes sure the
 * page is controlled (claim, at most one guarded reload), keeps the SW alive while the page is
 * visible, hosts silent recovery, and turns the SW's session into `VaultStatus`. It never holds,
 * sees or stores a token: the SW adds the bearer header to the page's own `fetch` calls.
 */
import { Workbox } from 'workbox-window';
import type { AuthErrorCode, Broadcast, SessionSnapshot } from '../../sw/protocol.ts';
import { scrubCallbackUrl } from './callback-scrub.ts';
import { VaultError } from './errors.ts';
import { reloadWhenConfigReachable, servedWithoutConfig } from './offline-shell.ts';
import { runRecoveryFrame } from './recovery-frame.ts';
import { request } from './sw-channel.ts';
import { readTab, writeTab } from './tab-storage.ts';
import { SW_URL, trustedSwUrl } from './trusted-url.ts';
import type { Vault, VaultEvents, VaultStatus } from './types.ts';

export type { Vault, VaultEvents, VaultStatus } from './types.ts';
export { VaultError } from './errors.ts';

/** Keeps Chromium from stopping the SW (idle timeout ~30 s) while the page is in use. */
const HEARTBEAT_MS = 20_000;
/** Registration, activation and claim each get this long before we say "unavailable". */
const START_TIMEOUT_MS = 15_000;
/** A guarded reload is allowed once per this window, so a broken SW cannot cause a loop. */
const RELOAD_GUARD_MS = 60_000;
const RELOAD_KEY = 'sw-vault:reloaded-at';
const TOP_LEVEL_KEY = 'sw-vault:top-level-recovery-at';
/** Non-secret: whether this tab last saw a signed-in session, and whose (`sub`). */
const BELIEF_KEY = 'sw-vault:last-sub';

function guardAvailable(key: string): boolean {
  if (Date.now() - Number(readTab(key) ?? 0) < RELOAD_GUARD_MS) return false;
  writeTab(key, String(Date.now()));
  return true;
}

/** `p`, or a `timeout` VaultError after START_TIMEOUT_MS (a late timer firing on a settled race is a no-op). */
function withTimeout<T>(p: Promise<T>, what: string): Promise<T> {
  return Promise.race([
    p,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new VaultError('timeout', `${what} took longer than ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS),
    ),
  ]);
}

const container = (): ServiceWorkerContainer => navigator.serviceWorker;
const controllerChange = (): Promise<unknown> =>
  new Promise((resolve) => container().addEventListener('controllerchange', resolve, { once: true }));
const unavailableError = () => new VaultError('sw-unavailable', 'service worker unavailable');

type Listener = (value: never) => void;

class VaultClient implements Vault {
  status: VaultStatus = { kind: 'starting' };
  readonly authError: AuthErrorCode | null;
  readonly #listeners: Record<keyof VaultEvents, Set<Listener>> = { status: new Set(), updateAvailable: new Set(), userChanged: new Set() };
  #wb: Workbox | undefined;
  #recoveryRunning = false;
  #resyncing = false;
  #readyWaiters: Array<[resolve: () => void, reject: (e: unknown) => void]> = [];
  readonly #restartSignIn: boolean;
  #swInstanceId: string | undefined;
  /** Between "Reload to update" and the reload: the new SW is greeted by the reloaded page only. */
  #updating = false;

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

  signInHref(returnTo: string = location.pathname + location.search): string {
    return `/login?returnTo=${encodeURIComponent(returnTo)}`;
  }

  async signOut(): Promise<void> {
    const { ticket } = await request<'logout-ticket'>(this.#controller(), { type: 'logout-ticket' });
    location.assign(`/logout?ticket=${encodeURIComponent(ticket)}`);
  }

  async applyUpdate(): Promise<void> {
    const waiting = (await container().getRegistration('/'))?.waiting;
    if (!waiting) return;
    // The new SW starts without tokens. Its silent recovery must run in the reloaded page: an
    // iframe started here dies with this document, and the SW then waits out its recovery
    // timeout and signs the user out ("could not be restored").
    this.#updating = true;
    try {
      const changed = controllerChange();
      await request<'skip-waiting'>(waiting, { type: 'skip-waiting' });
      await withTimeout(changed, 'update activation').catch(() => undefined);
      if (guardAvailable(RELOAD_KEY)) return location.reload();
    } catch (e) {
      this.#updating = false;
      throw e;
    }
    this.#updating = false;
    if (container().controller) await this.#hello();
  }

  whenApiReady(): Promise<void> {
    if (this.#apiReady()) return Promise.resolve();
    if (this.status.kind === 'unavailable') return Promise.reject(unavailableError());
    return new Promise((resolve, reject) => this.#readyWaiters.push([resolve, reject]));
  }

  #apiReady(): boolean {
    return this.status.kind === 'ready' && this.status.session.status !== 'recovering' && !this.#recoveryRunning && !this.#resyncing;
  }

  /**
   * Back/forward cache: the page was frozen, and the SW's broadcasts (sign-out in another tab,
   * another user) never reached it. Ask again; API calls wait for the answer.
   */
  readonly #onPageShow = (e: PageTransitionEvent): void => {
    if (!e.persisted || this.status.kind !== 'ready' || this.#resyncing) return;
    this.#resyncing = true;
    void this.#hello().finally(() => {
      this.#resyncing = false;
      this.#settleWaiters();
    });
  };

  #controller(): ServiceWorker {
    const c = container().controller;
    if (!c) throw new VaultError('not-controlled', 'the page is not controlled by the service worker');
    return c;
  }

  #emit<K extends keyof VaultEvents>(event: K, value: VaultEvents[K]): void {
    for (const l of [...this.#listeners[event]] as Array<(v: VaultEvents[K]) => void>) l(value);
  }

  #setStatus(next: VaultStatus): void {
    this.status = next;
    this.#emit('status', next);
    if (next.kind === 'ready') this.#noteSession(next.session);
    this.#settleWaiters();
  }

  #ready(res: { session: SessionSnapshot; swInstanceId: string }): void {
    this.#swInstanceId = res.swInstanceId;
    this.#setStatus({ kind: 'ready', session: res.session, swInstanceId: res.swInstanceId });
  }

  #settleWaiters(): void {
    const ready = this.#apiReady();
    if (ready || this.status.kind === 'unavailable') {
      for (const [resolve, reject] of this.#readyWaiters.splice(0)) ready ? resolve() : reject(unavailableError());
    }
  }

  /** Tracks the signed-in `sub` (non-secret) so a recovered session for someone else is noticed. */
  #noteSession(s: SessionSnapshot): void {
    if (s.status === 'recovering') return;
    // "Continue as <name>" is still that user's session, waiting for them: nothing to drop.
    const sub = s.status === 'signed-in' || (s.status === 'signed-out' && s.reason === 'interaction-required') ? s.user.sub : null;
    const previousSub = readTab(BELIEF_KEY);
    writeTab(BELIEF_KEY, sub);
    if (sub !== null) writeTab(TOP_LEVEL_KEY, null);
    if (previousSub !== null && (sub !== null ? previousSub !== sub : s.status === 'signed-out' && s.reason !== 'never-signed-in')) {
      this.#emit('userChanged', { previousSub, sub });
    }
  }

  #unavailable(reason: 'unsupported' | 'insecure-context' | 'blocked' | 'failed'): void {
    this.#setStatus({ kind: 'unavailable', reason });
  }

  async #start(): Promise<void> {
    // Served by the offline shell without config: this page cannot reach the API and reloads once
    // the config is back. Saying hello now would start a silent recovery bound to fail offline.
    if (servedWithoutConfig()) return;
    if (!window.isSecureContext) return this.#unavailable('insecure-context');
    if (!('serviceWorker' in navigator)) return this.#unavailable('unsupported');
    const sw = container();
    try {
      const wb = (this.#wb = new Workbox(trustedSwUrl(), { type: 'module', scope: '/' }));
      wb.addEventListener('waiting', () => this.#emit('updateAvailable', undefined));
      sw.addEventListener('message', this.#onBroadcast);
      const reg = await withTimeout(wb.register({ immediate: true }), 'registration');
      if (!reg) return this.#unavailable('failed');
      if (reg.waiting && sw.controller) this.#emit('updateAvailable', undefined);
      if (!sw.controller) await this.#takeControl(reg);
      if (!sw.controller) return;
      sw.addEventListener('controllerchange', () => {
        if (!this.#updating) void this.#hello();
      });
      await this.#hello();
      if (this.#restartSignIn && this.status.kind === 'ready' && this.status.session.status !== 'signed-in') {
        return location.assign(this.signInHref('/'));
      }
      this.#startHeartbeat();
    } catch (e) {
      const name = (e as { name?: string }).name;
      this.#unavailable(name === 'SecurityError' || name === 'NotSupportedError' ? 'blocked' : 'failed');
    }
  }

  /** First visit or Shift+Reload: ask the active SW to claim this page, wait for it, reload at most once. */
  async #takeControl(reg: ServiceWorkerRegistration): Promise<void> {
    const controlled = controllerChange();
    try {
      const active = reg.active ?? (await withTimeout(this.#wb!.active, 'activation'));
      if (!container().controller) {
        await request<'claim'>(active, { type: 'claim' });
        await withTimeout(controlled, 'claim');
      }
    } catch {
      if (container().controller) return;
      if (guardAvailable(RELOAD_KEY)) return location.reload();
      this.#unavailable('failed');
    }
  }

  async #hello(): Promise<void> {
    try {
      const res = await request<'hello'>(this.#controller(), { type: 'hello', believedSignedIn: readTab(BELIEF_KEY) !== null });
      this.#ready(res);
      if (res.silentRecoveryPath) await this.#recover(res.silentRecoveryPath);
    } catch {
      this.#unavailable('failed');
    }
  }

  async #recover(path: string): Promise<void> {
    if (this.#recoveryRunning) return;
    this.#recoveryRunning = true;
    try {
      const outcome = await runRecoveryFrame(path);
      const res = await request<'recovery-result'>(this.#controller(), { type: 'recovery-result', outcome });
      if (res.topLevelRecoveryPath && guardAvailable(TOP_LEVEL_KEY)) {
        return location.assign(`${res.topLevelRecoveryPath}&returnTo=${encodeURIComponent(location.pathname + location.search)}`);
      }
      this.#recoveryRunning = false;
      // Unlike hello, the remembered instance id stays: a changed one makes the next heartbeat say hello.
      this.#setStatus({ kind: 'ready', session: res.session, swInstanceId: res.swInstanceId });
    } catch {
      this.#recoveryRunning = false;
      this.#settleWaiters();
    }
  }

  readonly #onBroadcast = (event: MessageEvent): void => {
    if ((event.origin !== location.origin && event.origin !== '') || event.source !== container().controller) return;
    const data = event.data as Partial<Broadcast> | null;
    if (!data || data.v !== 1 || data.marker !== 'sw-token-vault') return;
    if (data.type === 'session-changed' && data.session && typeof data.swInstanceId === 'string') {
      this.#ready({ session: data.session, swInstanceId: data.swInstanceId });
    } else if (data.type === 'recovery-needed' && typeof data.silentRecoveryPath === 'string') {
      if (document.visibilityState === 'visible') void this.#recover(data.silentRecoveryPath);
    }
  };

  #startHeartbeat(): void {
    const beat = async () => {
      if (document.visibilityState !== 'visible' || !container().controller) return;
      try {
        const res = await request<'heartbeat'>(this.#controller(), { type: 'heartbeat' });
        // A new instance id: the browser stopped and restarted the SW; say hello again.
        if (res.swInstanceId !== this.#swInstanceId && !this.#updating) await this.#hello();
      } catch {
        // a missed beat is not fatal; the next one or the next API call wakes the SW
      }
    };
    setInterval(beat, HEARTBEAT_MS);
    // Coming back into view or online: a SW waiting for the IdP or the network retries at once.
    document.addEventListener('visibilitychange', beat);
    addEventListener('online', beat);
  }
}

let instance: VaultClient | undefined;

/** Registers /sw.js before any other app code; never throws (failures become status 'unavailable'). */
export function startVault(): Vault {
  if (!instance) reloadWhenConfigReachable();
  return (instance ??= new VaultClient());
}

export { SW_URL };
