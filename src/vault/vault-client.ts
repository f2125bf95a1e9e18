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
import { runRecoveryFrame } from './recovery-frame.ts';
import { request } from './sw-channel.ts';
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

function session(key: string): string | null {
  try {
    return sessionStorage.getItem(key);
  } catch {
    return null;
  }
}
function setSession(key: string, value: string | null): void {
  try {
    if (value === null) sessionStorage.removeItem(key);
    else sessionStorage.setItem(key, value);
  } catch {
    // storage disabled: the guards fall back to "already used"
  }
}
function guardAvailable(key: string): boolean {
  const at = Number(session(key) ?? 0);
  if (Date.now() - at < RELOAD_GUARD_MS) return false;
  setSession(key, String(Date.now()));
  return true;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new VaultError('timeout', `${what} took longer than ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}

type Listeners = { [K in keyof VaultEvents]: Set<(value: VaultEvents[K]) => void> };

class VaultClient implements Vault {
  status: VaultStatus = { kind: 'starting' };
  readonly authError: AuthErrorCode | null;
  private readonly listeners: Listeners = { status: new Set(), updateAvailable: new Set(), userChanged: new Set() };
  private wb: Workbox | undefined;
  private heartbeatTimer: ReturnType<typeof setInterval> | undefined;
  private recoveryRunning = false;
  private readyWaiters: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];
  private readonly restartSignIn: boolean;

  constructor() {
    const scrub = scrubCallbackUrl();
    this.authError = scrub.authError;
    this.restartSignIn = scrub.restartSignIn;
    void this.start();
  }

  subscribe<K extends keyof VaultEvents>(event: K, listener: (value: VaultEvents[K]) => void): () => void {
    const set = this.listeners[event] as Set<(value: VaultEvents[K]) => void>;
    set.add(listener);
    return () => set.delete(listener);
  }

  signInHref(returnTo: string = location.pathname + location.search): string {
    return `/login?returnTo=${encodeURIComponent(returnTo)}`;
  }

  async signOut(): Promise<void> {
    const { ticket } = await request<'logout-ticket'>(this.controller(), { type: 'logout-ticket' });
    location.assign(`/logout?ticket=${encodeURIComponent(ticket)}`);
  }

  async applyUpdate(): Promise<void> {
    const reg = await navigator.serviceWorker.getRegistration('/');
    const waiting = reg?.waiting;
    if (!waiting) return;
    const changed = new Promise<void>((resolve) =>
      navigator.serviceWorker.addEventListener('controllerchange', () => resolve(), { once: true }),
    );
    await request<'skip-waiting'>(waiting, { type: 'skip-waiting' });
    await withTimeout(changed, START_TIMEOUT_MS, 'update activation').catch(() => undefined);
    if (guardAvailable(RELOAD_KEY)) location.reload();
  }

  whenApiReady(): Promise<void> {
    if (this.apiReady()) return Promise.resolve();
    if (this.status.kind === 'unavailable') return Promise.reject(new VaultError('sw-unavailable', 'service worker unavailable'));
    return new Promise((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
  }

  private apiReady(): boolean {
    return this.status.kind === 'ready' && this.status.session.status !== 'recovering' && !this.recoveryRunning;
  }

  private controller(): ServiceWorker {
    const c = navigator.serviceWorker.controller;
    if (!c) throw new VaultError('not-controlled', 'the page is not controlled by the service worker');
    return c;
  }

  private emit<K extends keyof VaultEvents>(event: K, value: VaultEvents[K]): void {
    for (const l of [...this.listeners[event]] as Array<(v: VaultEvents[K]) => void>) l(value);
  }

  private setStatus(next: VaultStatus): void {
    this.status = next;
    this.emit('status', next);
    if (next.kind === 'ready') this.noteSession(next.session);
    this.settleWaiters();
  }

  private settleWaiters(): void {
    if (this.apiReady()) {
      for (const w of this.readyWaiters.splice(0)) w.resolve();
    } else if (this.status.kind === 'unavailable') {
      for (const w of this.readyWaiters.splice(0)) w.reject(new VaultError('sw-unavailable', 'service worker unavailable'));
    }
  }

  /** Tracks the signed-in `sub` (non-secret) so a recovered session for someone else is noticed. */
  private noteSession(s: SessionSnapshot): void {
    if (s.status === 'recovering') return;
    const sub = s.status === 'signed-in' ? s.user.sub : null;
    const previousSub = session(BELIEF_KEY);
    setSession(BELIEF_KEY, sub);
    if (s.status === 'signed-in') setSession(TOP_LEVEL_KEY, null);
    if (previousSub !== null && sub !== null && previousSub !== sub) this.emit('userChanged', { previousSub, sub });
    if (previousSub !== null && s.status === 'signed-out' && s.reason !== 'never-signed-in') this.emit('userChanged', { previousSub, sub });
  }

  private unavailable(reason: 'unsupported' | 'insecure-context' | 'blocked' | 'failed'): void {
    this.setStatus({ kind: 'unavailable', reason });
  }

  private async start(): Promise<void> {
    if (!window.isSecureContext) return this.unavailable('insecure-context');
    if (!('serviceWorker' in navigator)) return this.unavailable('unsupported');
    try {
      this.wb = new Workbox(trustedSwUrl(), { type: 'module', scope: '/' });
      this.wb.addEventListener('waiting', () => this.emit('updateAvailable', undefined));
      navigator.serviceWorker.addEventListener('message', this.onBroadcast);
      const reg = await withTimeout(this.wb.register({ immediate: true }), START_TIMEOUT_MS, 'registration');
      if (!reg) return this.unavailable('failed');
      if (reg.waiting && navigator.serviceWorker.controller) this.emit('updateAvailable', undefined);
      if (!navigator.serviceWorker.controller) await this.takeControl(reg);
      if (!navigator.serviceWorker.controller) return;
      navigator.serviceWorker.addEventListener('controllerchange', () => void this.hello());
      await this.hello();
      if (this.restartSignIn && this.status.kind === 'ready' && this.status.session.status !== 'signed-in') {
        location.assign(this.signInHref('/'));
        return;
      }
      this.startHeartbeat();
    } catch (e) {
      const name = (e as { name?: string }).name;
      this.unavailable(name === 'SecurityError' || name === 'NotSupportedError' ? 'blocked' : 'failed');
    }
  }

  /** First visit or Shift+Reload: ask the active SW to claim this page, wait for it, reload at most once. */
  private async takeControl(reg: ServiceWorkerRegistration): Promise<void> {
    const controlled = new Promise<void>((resolve) =>
      navigator.serviceWorker.addEventListener('controllerchange', () => resolve(), { once: true }),
    );
    try {
      const active = reg.active ?? (await withTimeout(this.wb!.active, START_TIMEOUT_MS, 'activation'));
      if (!navigator.serviceWorker.controller) {
        await request<'claim'>(active, { type: 'claim' });
        await withTimeout(controlled, START_TIMEOUT_MS, 'claim');
      }
    } catch {
      if (navigator.serviceWorker.controller) return;
      if (guardAvailable(RELOAD_KEY)) {
        location.reload();
        return;
      }
      this.unavailable('failed');
    }
  }

  private async hello(): Promise<void> {
    try {
      const res = await request<'hello'>(this.controller(), { type: 'hello', believedSignedIn: session(BELIEF_KEY) !== null });
      this.swInstanceId = res.swInstanceId;
      this.setStatus({ kind: 'ready', session: res.session, swInstanceId: res.swInstanceId });
      if (res.silentRecoveryPath) await this.recover(res.silentRecoveryPath);
    } catch {
      this.unavailable('failed');
    }
  }

  private swInstanceId: string | undefined;

  private async recover(path: string): Promise<void> {
    if (this.recoveryRunning) return;
    this.recoveryRunning = true;
    try {
      const outcome = await runRecoveryFrame(path);
      const res = await request<'recovery-result'>(this.controller(), { type: 'recovery-result', outcome });
      if (res.topLevelRecoveryPath && guardAvailable(TOP_LEVEL_KEY)) {
        const returnTo = encodeURIComponent(location.pathname + location.search);
        location.assign(`${res.topLevelRecoveryPath}&returnTo=${returnTo}`);
        return;
      }
      this.recoveryRunning = false;
      this.setStatus({ kind: 'ready', session: res.session, swInstanceId: res.swInstanceId });
    } catch {
      this.recoveryRunning = false;
      this.settleWaiters();
    }
  }

  private readonly onBroadcast = (event: MessageEvent): void => {
    if (event.origin !== location.origin && event.origin !== '') return;
    if (event.source !== navigator.serviceWorker.controller) return;
    const data = event.data as Partial<Broadcast> | null;
    if (!data || data.v !== 1 || data.marker !== 'sw-token-vault') return;
    if (data.type === 'session-changed' && data.session && typeof data.swInstanceId === 'string') {
      this.swInstanceId = data.swInstanceId;
      this.setStatus({ kind: 'ready', session: data.session, swInstanceId: data.swInstanceId });
    } else if (data.type === 'recovery-needed' && typeof data.silentRecoveryPath === 'string') {
      if (document.visibilityState === 'visible') void this.recover(data.silentRecoveryPath);
    }
  };

  private startHeartbeat(): void {
    const beat = async () => {
      if (document.visibilityState !== 'visible' || !navigator.serviceWorker.controller) return;
      try {
        const res = await request<'heartbeat'>(this.controller(), { type: 'heartbeat' });
        // A new instance id: the browser stopped and restarted the SW; say hello again.
        if (res.swInstanceId !== this.swInstanceId) await this.hello();
      } catch {
        // a missed beat is not fatal; the next one or the next API call wakes the SW
      }
    };
    this.heartbeatTimer = setInterval(() => void beat(), HEARTBEAT_MS);
    document.addEventListener('visibilitychange', () => void beat());
  }
}

let instance: VaultClient | undefined;

/** Registers /sw.js before any other app code; never throws (failures become status 'unavailable'). */
export function startVault(): Vault {
  instance ??= new VaultClient();
  return instance;
}

export { SW_URL };
