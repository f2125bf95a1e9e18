/**
 * Getting this page a controlling SW: register `/sw.js` (through the `sw-url` Trusted Types
 * policy), and on a first visit or Shift+Reload ask the active SW to claim the page, with at most
 * one guarded reload. workbox-window does the registration and its lifecycle events.
 */
import { Workbox } from 'workbox-window';
import { VaultError } from './errors.ts';
import { request } from './sw-channel.ts';
import { readTab, writeTab } from './tab-storage.ts';
import { trustedSwUrl } from './trusted-url.ts';

/** Registration, activation and claim each get this long before we say "unavailable". */
export const START_TIMEOUT_MS = 15_000;
/** A guarded reload (or top-level recovery) is allowed once per this window per tab, so nothing can loop. */
const GUARD_MS = 60_000;
export const RELOAD_GUARD = 'sw-vault:reloaded-at';

export const container = (): ServiceWorkerContainer => navigator.serviceWorker;

export const controllerChange = (): Promise<unknown> =>
  new Promise((resolve) => container().addEventListener('controllerchange', resolve, { once: true }));

/** The controlling SW, or a `not_controlled` error. */
export function controller(): ServiceWorker {
  const c = container().controller;
  if (!c) throw new VaultError('not_controlled', 'the page is not controlled by the service worker');
  return c;
}

/** The one top-level recovery try a tab may make per window (recovery-host.ts). */
export const TOP_LEVEL_GUARD = 'sw-vault:top-level-recovery-at';

/** A session came back: the next trouble may have its one try again. */
export function resetGuard(key: string): void {
  writeTab(key, null);
}

/** True at most once per window for `key` (in this tab). */
export function guardAvailable(key: string): boolean {
  if (Date.now() - Number(readTab(key) ?? 0) < GUARD_MS) return false;
  writeTab(key, String(Date.now()));
  return true;
}

/** `p`, or a `timeout` VaultError after START_TIMEOUT_MS (a late timer firing on a settled race is a no-op). */
export function withTimeout<T>(p: Promise<T>, what: string): Promise<T> {
  return Promise.race([
    p,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new VaultError('timeout', `${what} took longer than ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS),
    ),
  ]);
}

export interface Registered {
  readonly wb: Workbox;
  readonly reg: ServiceWorkerRegistration;
}

/** Registers `/sw.js` for the whole origin; `onWaiting` hears of an update that waits. */
export async function register(onWaiting: () => void): Promise<Registered | undefined> {
  const wb = new Workbox(trustedSwUrl(), { type: 'module', scope: '/' });
  wb.addEventListener('waiting', onWaiting);
  const reg = await withTimeout(wb.register({ immediate: true }), 'registration');
  return reg ? { wb, reg } : undefined;
}

/** First visit or Shift+Reload: ask the active SW to claim this page, wait for it, reload at most once. */
export async function takeControl({ wb, reg }: Registered): Promise<'controlled' | 'reloading' | 'failed'> {
  const controlled = controllerChange();
  try {
    const active = reg.active ?? (await withTimeout(wb.active, 'activation'));
    if (!container().controller) {
      await request<'claim'>(active, { type: 'claim' });
      await withTimeout(controlled, 'claim');
    }
    return 'controlled';
  } catch {
    // The claim did not take (or took too long): a reload usually does, once.
    if (container().controller) return 'controlled';
    if (guardAvailable(RELOAD_GUARD)) {
      location.reload();
      return 'reloading';
    }
    return 'failed';
  }
}
