/**
 * A visible page keeps its SW alive: Chromium stops an idle SW after about 30 s and its memory
 * (the tokens) with it. Also sent at once when the page comes into view or back online, so a
 * SW waiting for the IdP or the network retries then.
 */
const HEARTBEAT_MS = 20_000;

export function startHeartbeat(beat: () => Promise<void>): void {
  const visibleBeat = () => {
    if (document.visibilityState === 'visible') void beat();
  };
  setInterval(visibleBeat, HEARTBEAT_MS);
  document.addEventListener('visibilitychange', visibleBeat);
  addEventListener('online', visibleBeat);
}
