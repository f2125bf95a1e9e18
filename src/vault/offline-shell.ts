/**
 * A document the SW served from its offline shell while it could not load /config.json carries
 * the strictest policy (no API origin in `connect-src`), so this page could never reach the API,
 * even once the network is back. It then reloads itself as soon as /config.json answers again;
 * the SW serves the reloaded document with the full policy. (sw/precache.ts marks such documents
 * with a Server-Timing entry, the one response header a page can read about itself.)
 */
/**
 * sw/security-headers.ts OFFLINE_SHELL_TIMING, spelled out: importing it would make the bundler
 * share that module between the page and the SW as a chunk of its own (a unit test keeps the two
 * equal).
 */
export const OFFLINE_SHELL_TIMING = 'sw-offline-shell';

export function servedWithoutConfig(): boolean {
  const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
  return nav?.serverTiming.some((t) => t.name === OFFLINE_SHELL_TIMING) ?? false;
}
