/**
 * Refresh: single-flight for the whole origin (every tab shares this SW), proactive shortly
 * before expiry, and careful with rotation (RFC 9700 §4.14.2). The grant is oidc-client-ts's
 * `useRefreshToken`. A refresh token that may have reached the IdP is never sent again, because
 * reuse detection would revoke the whole grant, so:
 * - nothing is sent while the browser is offline or the IdP does not answer a cheap GET: the
 *   refresh is postponed and retried, and the token is kept (issue 9);
 * - the token leaves memory before its request goes out; only the IdP's own `invalid_grant` ends
 *   the session; a network failure, a timeout, a 5xx or 429, or a body that is not JSON mean
 *   "may have arrived", and silent re-authentication takes over;
 * - an answer is applied only to the session generation that asked for it; a late one (the user
 *   signed out, or someone else signed in meanwhile) is dropped and its tokens revoked (finding 1).
 */
import type { JWTVerifyGetKey } from 'jose';
import type { UserProfile as LibraryProfile } from 'oidc-client-ts';
import { retryDelay, type Connectivity } from './connectivity.ts';
import type { DpopState } from './dpop-state.ts';
import { allowedAlgorithms, verifyIdToken } from './id-token.ts';
import { errorSummary, logger } from './log.ts';
import { isInvalidGrant, tokenResponse, type Oidc } from './oidc.ts';
import type { Recovery } from './recovery.ts';
import { withoutRefreshToken, type Session, type Tokens } from './session.ts';
import { tokenParams } from './signin-state.ts';
import { after, type Timer } from './timers.ts';
import { tokensFrom } from './tokens.ts';

const log = logger('refresh');

export type RefreshOutcome =
  | 'refreshed'
  | 'session-expired' // invalid_grant: the grant is gone
  | 'recovering' // could not refresh safely; silent re-authentication takes over
  | 'postponed' // offline or the IdP is not answering: nothing sent, the refresh token kept
  | 'dropped' // the session changed while the request was out: its answer was not used
  | 'no-session';

export interface RefreshDeps {
  readonly session: Session;
  readonly oidc: () => Promise<Oidc>;
  readonly keys: () => Promise<JWTVerifyGetKey>;
  readonly now: () => number;
  readonly connectivity: Connectivity;
  readonly recovery: Pick<Recovery, 'needed'>;
  /** Revokes tokens of an answer nobody may use (late answers). */
  readonly discard: (tokens: Tokens) => void;
  readonly dpop: Pick<DpopState, 'tokenEndpointProof'>;
}

export class Refresher {
  private inflight: Promise<RefreshOutcome> | undefined;
  #retry: Timer | undefined;
  #retries = 0;

  constructor(private readonly d: RefreshDeps) {}

  /**
   * Starts a refresh, or joins the one in flight. `afterInvalidToken`: a 401 `invalid_token`
   * asked for it, so the tokens it makes may not ask again (finding 6).
   */
  refresh(o: { afterInvalidToken?: boolean } = {}): Promise<RefreshOutcome> {
    this.inflight ??= this.run(o.afterInvalidToken === true).finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  /** `online`, a visible page, an API call: a postponed refresh is tried now. */
  nudge(): void {
    const s = this.d.session.state;
    if (s.kind === 'signed-in' && s.connection !== 'ok') void this.refresh();
  }

  private async run(afterInvalidToken: boolean): Promise<RefreshOutcome> {
    const { session } = this.d;
    const s = session.state;
    if (s.kind !== 'signed-in') return s.kind === 'recovering' ? 'recovering' : 'no-session';
    const tokens = s.tokens;
    const gen = session.generation;
    const rt = tokens.refreshToken;
    if (rt === undefined) {
      this.d.recovery.needed(tokens);
      return 'recovering';
    }
    this.#retry?.cancel();
    const connection = await this.d.connectivity.check();
    let oidc: Oidc | undefined;
    if (connection === 'ok') {
      // Discovery first, so its failure is not taken for a token endpoint failure.
      oidc = await this.d.oidc().catch((e: unknown) => {
        log.debug('refresh postponed: discovery failed', { error: errorSummary(e) });
        return undefined;
      });
    }
    if (session.state !== s) return 'dropped';
    if (!oidc) {
      session.postponed(connection === 'offline' ? 'offline' : 'idp-unreachable');
      this.#retry = after(retryDelay(this.#retries++), () => void this.refresh());
      return 'postponed';
    }
    this.#retries = 0;
    session.refreshing();
    let response;
    try {
      // RefreshState is not a run-time export of oidc-client-ts 3.5.0; the library only reads these fields.
      /* eslint-disable @typescript-eslint/no-unsafe-class-instance-assignment */
      response = await oidc.client.useRefreshTokenWithProof(
        {
          state: {
            refresh_token: rt,
            ...(tokens.idToken !== undefined ? { id_token: tokens.idToken } : {}),
            session_state: null,
            // No `scope`: a narrower stored scope would make the IdP leave out the new ID token.
            // Only read back by the library when no new ID token comes; we keep our own profile.
            profile: { sub: tokens.profile.sub } as LibraryProfile,
          },
          ...tokenParams(oidc.config),
          // RFC 9449 §5: a bound refresh token is only accepted with a proof by the same key.
        },
        this.d.dpop.tokenEndpointProof(tokens.dpopKey, oidc.discovery.token_endpoint),
      );
      /* eslint-enable @typescript-eslint/no-unsafe-class-instance-assignment */
    } catch (e) {
      // Never log `e` itself: an ErrorResponse's `form` holds the refresh token.
      log.debug('refresh failed', { error: errorSummary(e) });
      if (session.generation !== gen) return 'dropped';
      if (isInvalidGrant(e)) {
        session.signedOut('session-expired');
        return 'session-expired';
      }
      this.d.recovery.needed(withoutRefreshToken(tokens));
      return 'recovering';
    }
    let fresh: Tokens;
    try {
      fresh = await this.#verified(response, tokens, oidc, afterInvalidToken);
    } catch (e) {
      // The IdP accepted (and maybe rotated) the refresh token: the old one is spent.
      log.debug('refresh answer refused', { error: errorSummary(e) });
      if (session.generation !== gen) return 'dropped';
      this.d.recovery.needed(withoutRefreshToken(tokens));
      return 'recovering';
    }
    if (session.resumed(gen, fresh, 'refreshing')) return 'refreshed';
    this.d.discard(fresh);
    return 'dropped';
  }

  async #verified(response: Parameters<typeof tokenResponse>[0], previous: Tokens, oidc: Oidc, afterInvalidToken: boolean): Promise<Tokens> {
    const answer = tokenResponse(response, previous.dpopKey !== undefined);
    if (answer === null) throw new TypeError('unusable token response');
    let profile = previous.profile;
    // The library copies the old ID token into the response when no new one came.
    const idToken = answer.id_token !== previous.idToken ? answer.id_token : undefined;
    if (idToken !== undefined) {
      // OIDC Core §12.2: same iss/sub/aud as the original ID token; no nonce.
      ({ profile } = await verifyIdToken(idToken, await this.d.keys(), {
        issuer: oidc.config.issuer,
        clientId: oidc.config.clientId,
        algorithms: allowedAlgorithms(oidc.discovery.id_token_signing_alg_values_supported),
        sub: previous.profile.sub,
        now: this.d.now,
      }));
    }
    const t = tokensFrom(answer, { now: this.d.now(), profile, requestedScope: oidc.config.scope, previous });
    return afterInvalidToken ? { ...t, fromInvalidTokenRetry: true } : t;
  }
}

/** Access-token use while recovering: only with this much life left (it would fail in flight). */
const RECOVERING_MIN_LIFE_MS = 5_000;
/** A use reconsiders the session at most this often before answering (each step awaits a change). */
const MAX_STEPS = 8;

export type TokenForUse =
  | { readonly kind: 'token'; readonly token: string; readonly tokens: Tokens }
  /** No session: the request goes out without a token (the API answers 401, the page shows sign-in). */
  | { readonly kind: 'none' }
  /** A session that cannot get a usable token until the IdP or the network is back. */
  | { readonly kind: 'reconnecting' };

/**
 * The access token to put on an API request now: refreshes first once its `refreshAt` passed
 * (tokens.ts), and waits (bounded by `waitMs`) while a refresh or recovery runs.
 */
export async function accessTokenForUse(
  d: { session: Session; refresher: Pick<Refresher, 'refresh'>; now: () => number },
  waitMs: number,
): Promise<TokenForUse> {
  const deadline = d.now() + waitMs;
  const use = (t: Tokens): TokenForUse => ({ kind: 'token', token: t.accessToken, tokens: t });
  for (let i = 0; i < MAX_STEPS; i++) {
    const s = d.session.state;
    const left = deadline - d.now();
    switch (s.kind) {
      case 'signed-in': {
        const t = s.tokens;
        if (d.now() < t.refreshAt) return use(t);
        // Postponed (IdP unreachable): a token that has not expired is still worth sending.
        if (s.connection !== 'ok' || left <= 0) return t.accessTokenExpiresAt > d.now() ? use(t) : { kind: 'reconnecting' };
        await d.refresher.refresh();
        if (d.session.state === s) return t.accessTokenExpiresAt > d.now() ? use(t) : { kind: 'reconnecting' };
        break;
      }
      case 'refreshing':
        if (left <= 0) return { kind: 'reconnecting' };
        await Promise.race([d.refresher.refresh(), d.session.nextChange(left)]);
        break;
      case 'recovering':
        if (s.live && s.live.accessTokenExpiresAt - d.now() > RECOVERING_MIN_LIFE_MS) return use(s.live);
        if (left <= 0) return { kind: 'reconnecting' };
        await d.session.nextChange(left);
        break;
      case 'needs-interaction':
      case 'signed-out':
        return { kind: 'none' };
    }
  }
  return { kind: 'reconnecting' };
}
