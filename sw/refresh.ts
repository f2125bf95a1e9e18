/**
 * Refresh: single-flight for the whole origin (every tab shares this SW), proactive shortly
 * before expiry, and careful with rotation (RFC 9700 §4.14.2): the grant is done by
 * oidc-client-ts's `useRefreshToken`, and a refresh token that may have reached the IdP is never
 * sent again, because reuse detection would revoke the whole grant. So the token leaves memory
 * before the request goes out, and only the IdP's own `invalid_grant` ends the session; a
 * network failure, a timeout, a 5xx or 429, or a body that is not JSON all mean "may have
 * arrived", and silent re-authentication takes over.
 */
import type { JWTVerifyGetKey } from 'jose';
import type { UserProfile as LibraryProfile } from 'oidc-client-ts';
import { allowedAlgorithms, verifyIdToken } from './id-token.ts';
import { errorSummary, logger } from './log.ts';
import { isInvalidGrant, tokenResponse, type Oidc } from './oidc.ts';
import { withoutRefreshToken, type Session, type Tokens } from './session.ts';
import { tokenParams } from './signin-state.ts';
import { tokensFrom } from './tokens.ts';

const log = logger('refresh');

export type RefreshOutcome =
  | 'refreshed'
  | 'session-expired' // invalid_grant: the grant is gone
  | 'recovering' // could not refresh safely; silent re-authentication takes over
  | 'no-session';

export interface RefreshDeps {
  readonly session: Session;
  readonly oidc: () => Promise<Oidc>;
  readonly keys: () => Promise<JWTVerifyGetKey>;
  readonly now: () => number;
  /** Called when refreshing is not possible and silent re-authentication must run. */
  readonly onRecoveryNeeded: () => void;
}

export class Refresher {
  private inflight: Promise<RefreshOutcome> | undefined;

  constructor(private readonly d: RefreshDeps) {}

  /** Starts a refresh, or joins the one in flight. */
  refresh(): Promise<RefreshOutcome> {
    this.inflight ??= this.run().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async run(): Promise<RefreshOutcome> {
    const { session } = this.d;
    const tokens = session.tokens();
    if (!tokens || session.state.kind === 'recovering') return tokens ? 'recovering' : 'no-session';
    const rt = tokens.refreshToken;
    if (rt === undefined) return this.recover(tokens);
    let oidc: Oidc;
    try {
      // Discovery first, so its failure is not taken for a token endpoint failure.
      oidc = await this.d.oidc();
    } catch (e) {
      // Nothing was sent: the refresh token is still safe to use later.
      log.debug('refresh postponed: discovery failed', { error: errorSummary(e) });
      return 'recovering';
    }
    session.refreshing();
    let response;
    try {
      response = await oidc.client.useRefreshToken({
        state: {
          refresh_token: rt,
          ...(tokens.idToken !== undefined ? { id_token: tokens.idToken } : {}),
          session_state: null,
          // No `scope`: a narrower stored scope would make the IdP leave out the new ID token.
          scope: undefined,
          // Only read back by the library when no new ID token comes; we keep our own profile.
          profile: { sub: tokens.profile.sub } as LibraryProfile,
        },
        ...tokenParams(oidc.config),
      });
    } catch (e) {
      // Never log `e` itself: an ErrorResponse's `form` holds the refresh token.
      log.debug('refresh failed', { error: errorSummary(e) });
      if (isInvalidGrant(e)) {
        session.signedOut('session-expired');
        return 'session-expired';
      }
      return this.recover(withoutRefreshToken(tokens));
    }
    const fresh = tokenResponse(response);
    try {
      if (fresh === null) throw new TypeError('unusable token response');
      let profile = tokens.profile;
      // The library copies the old ID token into the response when no new one came.
      const idToken = fresh.id_token !== tokens.idToken ? fresh.id_token : undefined;
      if (idToken !== undefined) {
        // OIDC Core §12.2: same iss/sub/aud as the original ID token; no nonce.
        const verified = await verifyIdToken(idToken, await this.d.keys(), {
          issuer: oidc.config.issuer,
          clientId: oidc.config.clientId,
          algorithms: allowedAlgorithms(oidc.discovery.id_token_signing_alg_values_supported),
          sub: tokens.profile.sub,
          now: this.d.now,
        });
        profile = verified.profile;
      }
      session.signedIn(tokensFrom(fresh, { now: this.d.now(), profile, requestedScope: oidc.config.scope, previous: tokens }));
      return 'refreshed';
    } catch (e) {
      // The IdP accepted (and maybe rotated) the refresh token: the old one is spent.
      log.debug('refresh answer refused', { error: errorSummary(e) });
      return this.recover(withoutRefreshToken(tokens));
    }
  }

  private recover(tokens: Tokens): RefreshOutcome {
    const live = tokens.accessTokenExpiresAt > this.d.now() ? tokens : undefined;
    this.d.session.recovering(live);
    this.d.onRecoveryNeeded();
    return 'recovering';
  }
}

/**
 * The access token to put on an API request now: refreshes first when it expires within
 * its `refreshAt` has passed (tokens.ts), and waits (bounded by `waitMs`) while a refresh or recovery runs.
 * `undefined` means there is no session: the request goes out without a token.
 */
export async function accessTokenForUse(
  d: { session: Session; refresher: Refresher; now: () => number },
  waitMs: number,
): Promise<string | undefined> {
  const deadline = d.now() + waitMs;
  for (let i = 0; i < 8; i++) {
    const s = d.session.state;
    const left = deadline - d.now();
    switch (s.kind) {
      case 'signed-in':
        if (d.now() < s.tokens.refreshAt) return s.tokens.accessToken;
        if (left <= 0) return s.tokens.accessTokenExpiresAt > d.now() ? s.tokens.accessToken : undefined;
        await d.refresher.refresh();
        break;
      case 'refreshing':
        if (left <= 0) return undefined;
        await Promise.race([d.refresher.refresh(), d.session.nextChange(left)]);
        break;
      case 'recovering':
        if (s.tokens && s.tokens.accessTokenExpiresAt - d.now() > 5_000) return s.tokens.accessToken;
        if (left <= 0) return undefined;
        await d.session.nextChange(left);
        break;
      case 'signing-in':
      case 'signed-out':
        return undefined;
    }
  }
  return undefined;
}
