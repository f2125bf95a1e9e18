/**
 * Builds the `Ctx` and ties the session's transitions to their side effects, one named listener
 * each (session-listeners.ts): every tab is told, the `{sub}` hint follows, the proactive refresh
 * timer is armed, recovery timers are cleared once it is over.
 */
import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import { configLoader, type VaultConfig } from './config.ts';
import { idpOrigins } from './handlers/idp-guard.ts';
import { connectivity } from './connectivity.ts';
import type { Ctx } from './context.ts';
import { deploymentCheck } from './deployment-check.ts';
import { DpopState } from './dpop-state.ts';
import type { HintStore } from './hint-store.ts';
import { errorSummary, logger } from './log.ts';
import { oidcLoader, type Discovery } from './oidc.ts';
import type { Broadcast } from './protocol.ts';
import { randomToken } from './random.ts';
import { Recovery } from './recovery.ts';
import { Refresher } from './refresh.ts';
import { Session, type Tokens } from './session.ts';
import { broadcastChanges, followHint, refreshAhead, settleRecovery } from './session-listeners.ts';
import type { PendingBackend } from './signin-state.ts';
import { TicketBook } from './tickets.ts';

export interface ContextDeps {
  readonly origin: string;
  readonly fetch: typeof fetch;
  readonly now: () => number;
  /** The browser's own idea of being online (`navigator.onLine`). */
  readonly online: () => boolean;
  /** Where pending sign-ins persist across SW restarts (IndexedDB; a Map in tests). */
  readonly pending: PendingBackend;
  readonly hint: HintStore;
  readonly broadcast: (message: Broadcast) => Promise<void>;
  /** Override for tests (a local JWKS); defaults to the issuer's `jwks_uri`. */
  readonly keys?: () => Promise<JWTVerifyGetKey>;
  /** Proactive refresh timer; off in unit tests. */
  readonly refreshTimer?: boolean;
}

const log = logger('context');

export function createContext(d: ContextDeps): Ctx {
  // What the fetch listener may leave alone once known: every origin but the IdP's and the APIs'.
  let owned: Set<string> | undefined;
  const own = (c: VaultConfig, discovery?: Discovery): void => {
    owned = new Set([...idpOrigins(c.issuer, discovery), ...c.apis.map((a) => a.origin)]);
  };
  const loadConfig = configLoader(d.origin, d.fetch);
  const config = () =>
    loadConfig().then((c) => {
      if (owned === undefined) own(c);
      return c;
    });
  const loadOidc = oidcLoader({ config, backend: d.pending, now: d.now });
  const oidc = () =>
    loadOidc().then((o) => {
      own(o.config, o.discovery);
      return o;
    });
  let jwks: JWTVerifyGetKey | undefined;
  const keys =
    d.keys ??
    (async () => {
      jwks ??= createRemoteJWKSet(new URL((await oidc()).discovery.jwks_uri));
      return jwks;
    });
  const session = new Session(d.now);
  const dpop = new DpopState();
  const reach = connectivity({ issuer: async () => (await config()).issuer, fetch: d.fetch, online: d.online });
  const recovery = new Recovery({ session, hint: d.hint, broadcast: d.broadcast, connectivity: reach });
  const discard = (t: Tokens): void => {
    const rt = t.refreshToken;
    // Same user: the tokens may share a grant with the current session, and revoking a refresh
    // token revokes its whole grant (oidc-provider, RFC 7009 §2.1): dropping them is enough.
    if (rt === undefined || session.user()?.sub === t.profile.sub) return;
    void oidc()
      .then((o) => (o.discovery.revocation_endpoint !== undefined ? o.client.revokeToken(rt, 'refresh_token') : undefined))
      .catch((e: unknown) => log.debug('revoking dropped tokens failed', { error: errorSummary(e) }));
  };
  const refresher = new Refresher({ session, oidc, keys, now: d.now, connectivity: reach, recovery, discard, dpop });
  const ctx: Ctx = {
    origin: d.origin,
    instanceId: randomToken().slice(0, 16),
    config,
    oidc,
    keys,
    ownedOrigins: () => owned,
    deployment: deploymentCheck(d.origin, d.fetch),
    session,
    dpop,
    hint: d.hint,
    tickets: new TicketBook(d.now),
    refresher,
    recovery,
    discard,
    now: d.now,
    fetch: d.fetch,
    broadcast: d.broadcast,
  };
  session.onChange(settleRecovery(recovery));
  session.onChange(followHint(d.hint));
  if (d.refreshTimer) session.onChange(refreshAhead(refresher, d.now));
  session.onChange(broadcastChanges(session, d.broadcast, () => ctx.instanceId));
  return ctx;
}
