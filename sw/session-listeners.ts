/** What follows a session transition, one listener each, so each can be tested alone. */
import type { HintStore } from './hint-store.ts';
import { errorSummary, logger } from './log.ts';
import type { Broadcast } from './protocol.ts';
import type { Recovery } from './recovery.ts';
import type { Refresher } from './refresh.ts';
import type { Session, SessionListener } from './session.ts';
import { after, type Timer } from './timers.ts';

const log = logger('session');

/** Recovery's timers and counters end when the session stops recovering. */
export function settleRecovery(recovery: Pick<Recovery, 'settled'>): SessionListener {
  return (state, previous) => {
    if (previous.kind === 'recovering' && state.kind !== 'recovering') recovery.settled();
  };
}

/** The non-secret hint a restarted SW starts from: who, and whether the IdP wants them to act. */
export function followHint(hint: HintStore): SessionListener {
  const fail = (e: unknown) => log.debug('the session hint could not be stored', { error: errorSummary(e) });
  return (state, previous) => {
    if (state.kind === 'signed-in' && previous.kind !== 'signed-in' && previous.kind !== 'refreshing') {
      void hint.set({ user: state.tokens.profile, needsInteraction: false }).catch(fail);
    } else if (state.kind === 'needs-interaction') {
      void hint.set({ user: state.user, needsInteraction: true }).catch(fail);
    } else if (state.kind === 'signed-out' && state.reason !== 'never-signed-in') {
      void hint.clear().catch(fail);
    }
  };
}

/** While the SW is alive, refresh ahead of use so the first call after a pause is not slowed. */
export function refreshAhead(refresher: Pick<Refresher, 'refresh'>, now: () => number): SessionListener {
  let timer: Timer | undefined;
  let armedFor: unknown;
  return (state) => {
    const tokens = state.kind === 'signed-in' && state.connection === 'ok' ? state.tokens : undefined;
    if (tokens === armedFor) return;
    timer?.cancel();
    timer = undefined;
    armedFor = tokens;
    if (tokens?.refreshToken === undefined) return;
    // Never sooner than a second from now: a token already due must not refresh in a tight loop.
    timer = after(Math.max(1_000, tokens.refreshAt - now()), () => void refresher.refresh(), now);
  };
}

/** Every tab learns each change of the session as the page sees it (once per distinct snapshot). */
export function broadcastChanges(session: Session, broadcast: (m: Broadcast) => Promise<void>, instanceId: () => string): SessionListener {
  let lastSent = '';
  return () => {
    const snapshot = session.snapshot();
    const key = JSON.stringify(snapshot);
    if (key === lastSent) return;
    lastSent = key;
    void broadcast({ v: 1, marker: 'sw-token-vault', type: 'session-changed', session: snapshot, swInstanceId: instanceId() }).catch((e: unknown) =>
      log.debug('broadcast failed', { error: errorSummary(e) }),
    );
  };
}
