/**
 * A document the SW served from its offline shell while it could not load /config.json carries
 * the strictest policy (no API origin in `connect-src`), so this page could never reach the API,
 * even once the network is back. It then reloads itself as soon as /config.json answers again;
 * the SW serves the reloaded document with the full policy. (sw/precache.ts marks such documents
 * with a Server-Timing entry, the one response header a page can read about itself.)
 */
import { readTab, writeTab } from './tab-storage.ts';

/**
 * sw/security-headers.ts OFFLINE_SHELL_TIMING, spelled out: importing it would make the bundler
 * share that module between the page and the SW as a chunk of its own (a unit test keeps the two
 * equal).
 */
export const OFFLINE_SHELL_TIMING = 'sw-offline-shell';

const POLL_MS = 5_000;
/** At most one such reload per this window, should the SW still fail after the page succeeded. */
const RELOAD_GUARD_MS = 30_000;
const RELOAD_KEY = 'sw-vault:offline-shell-reload-at';

export function servedWithoutConfig(): boolean {
  const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
  return nav?.serverTiming?.some((t) => t.name === OFFLINE_SHELL_TIMING) ?? false;
}

export function reloadWhenConfigReachable(): void {
  if (!servedWithoutConfig()) return;
  let done = false;
  const check = async (): Promise<void> => {
    if (done || Date.now() - Number(readTab(RELOAD_KEY) ?? 0) < RELOAD_GUARD_MS) return;
    try {
      if (!(await fetch('/config.json', { cache: 'no-store', credentials: 'same-origin' })).ok) return;
    } catch {
      return; // still offline: the next poll or `online` event tries again
    }
    done = true;
    writeTab(RELOAD_KEY, String(Date.now()));
    location.reload();
  };
  setInterval(() => void check(), POLL_MS);
  addEventListener('online', () => void check());
}
