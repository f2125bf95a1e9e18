/**
 * Builds the `Ctx` and ties the session's transitions to their side effects: broadcast to every
 * tab, the `{sub}` hint, the recovery timer and the proactive refresh timer.
 */
import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import { configLoader } from './config.ts';
import type { Ctx, HintStore } from './context.ts';
import { oidcLoader } from './oidc.ts';
import type { PendingBackend } from './signin-state.ts';
import type { Broadcast } from './protocol.ts';
import { Recovery } from './recovery.ts';
import { Refresher } from './refresh.ts';
import { Session } from './session.ts';
import { TicketBook } from './tickets.ts';

export interface ContextDeps {
  readonly origin: string;
  readonly fetch: typeof fetch;
  readonly now: () => number;
  /** Where pending sign-ins persist across SW restarts (IndexedDB; a Map in tests). */
  readonly pending: PendingBackend;
  readonly hint: HintStore;
  readonly broadcast: (message: Broadcast) => Promise<void>;
  /** Override for tests (a local JWKS); defaults to the issuer's `jwks_uri`. */
  readonly keys?: () => Promise<JWTVerifyGetKey>;
  /** Proactive refresh timer; off in unit tests. */
  readonly refreshTimer?: boolean;
}

function randomId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, '0')).join('');
}

export function createContext(d: ContextDeps): Ctx {
  const config = configLoader(d.origin, d.fetch);
  const oidc = oidcLoader({ config, backend: d.pending, now: d.now });
  let jwks: JWTVerifyGetKey | undefined;
  const keys =
    d.keys ??
    (async () => {
      jwks ??= createRemoteJWKSet(new URL((await oidc()).discovery.jwks_uri));
      return jwks;
    });
  const session = new Session();
  const recovery = new Recovery({ session, hint: d.hint, broadcast: d.broadcast, now: d.now });
  const refresher = new Refresher({
    session,
    oidc,
    keys,
    now: d.now,
    onRecoveryNeeded: () => recovery.needed(),
  });
  const ctx: Ctx = {
    origin: d.origin,
    instanceId: randomId(),
    config,
    oidc,
    keys,
    session,
    hint: d.hint,
    tickets: new TicketBook(d.now),
    refresher,
    recovery,
    now: d.now,
    fetch: d.fetch,
    broadcast: d.broadcast,
  };

  let refreshTimer: ReturnType<typeof setTimeout> | undefined;
  let lastSent = '';
  session.onChange((state) => {
    if (state.kind === 'signed-in' || state.kind === 'signed-out') recovery.settled();
    if (state.kind === 'signed-in') void d.hint.set(state.tokens.profile.sub).catch(() => undefined);
    if (state.kind === 'signed-out' && (state.reason === 'signed-out' || state.reason === 'session-expired')) {
      void d.hint.clear().catch(() => undefined);
    }
    if (refreshTimer !== undefined) clearTimeout(refreshTimer);
    refreshTimer = undefined;
    if (d.refreshTimer && state.kind === 'signed-in' && state.tokens.refreshToken !== undefined) {
      // While the SW is alive, refresh ahead of use so the first call after a pause is not slowed.
      const due = Math.max(1_000, state.tokens.refreshAt - d.now());
      refreshTimer = setTimeout(() => void refresher.refresh(), due);
    }
    const snapshot = session.snapshot();
    const key = JSON.stringify(snapshot);
    if (key === lastSent) return;
    lastSent = key;
    void d.broadcast({ v: 1, marker: 'sw-token-vault', type: 'session-changed', session: snapshot, swInstanceId: ctx.instanceId });
  });
  return ctx;
}
