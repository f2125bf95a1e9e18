/**
 * The other half of offline-shell.ts, loaded only by a page the offline shell served without
 * config: it reloads itself once /config.json answers again.
 */
import { readTab, writeTab } from './tab-storage.ts';

const POLL_MS = 5_000;
/** At most one such reload per this window, should the SW still fail after the page succeeded. */
const RELOAD_GUARD_MS = 30_000;
const RELOAD_KEY = 'sw-vault:offline-shell-reload-at';

export function reloadWhenConfigReachable(): void {
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
