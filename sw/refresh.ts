/**
 * Refresh: single-flight for the whole origin (every tab shares this SW), proactive shortly
 * before expiry, and careful with rotation (RFC 9700 §4.14.2): a refresh token that may have
 * reached the IdP is never sent again, because reuse detection would revoke the whole grant.
 */
import type { JWTVerifyGetKey } from 'jose';
import type { VaultConfig } from './config.ts';
import { allowedAlgorithms, verifyIdToken } from './id-token.ts';
import { tokenRequest, type Discovery } from './oidc.ts';
import type { Session, Tokens } from './session.ts';
import { tokensFrom } from './tokens.ts';


export type RefreshOutcome =
  | 'refreshed'
  | 'session-expired' // invalid_grant: the grant is gone
  | 'recovering' // could not refresh safely; silent re-authentication takes over
  | 'no-session';

export interface RefreshDeps {
  readonly session: Session;
  readonly config: () => Promise<VaultConfig>;
  readonly discovery: () => Promise<Discovery>;
  readonly keys: () => Promise<JWTVerifyGetKey>;
  readonly fetch: typeof fetch;
  readonly now: () => number;
  /** Called when refreshing is not possible and silent re-authentication must run. */
  readonly onRecoveryNeeded: () => void;
  /** Called on invalid_grant, after the session is signed out. */
  readonly onSessionExpired: () => void;
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
    let config: VaultConfig;
    let discovery: Discovery;
    try {
      [config, discovery] = await Promise.all([this.d.config(), this.d.discovery()]);
    } catch {
      // Nothing was sent: the refresh token is still safe to use later.
      return 'recovering';
    }
    session.refreshing();
    const result = await tokenRequest(this.d.fetch, discovery, config, { grant_type: 'refresh_token', refresh_token: rt });
    if (result.ok) {
      try {
        let profile = tokens.profile;
        if (result.tokens.id_token !== undefined) {
          // OIDC Core §12.2: same iss/sub/aud as the original ID token; no nonce.
          const verified = await verifyIdToken(result.tokens.id_token, await this.d.keys(), {
            issuer: config.issuer,
            clientId: config.clientId,
            algorithms: allowedAlgorithms(discovery.id_token_signing_alg_values_supported),
            sub: tokens.profile.sub,
            now: this.d.now,
          });
          profile = verified.profile;
        }
        session.signedIn(tokensFrom(result.tokens, { now: this.d.now(), profile, requestedScope: config.scope, previous: tokens }));
        return 'refreshed';
      } catch {
        // The IdP accepted (and maybe rotated) the refresh token: the old one is spent.
        return this.recover(withoutRefreshToken(tokens));
      }
    }
    if (result.kind === 'oauth' && result.error === 'invalid_grant') {
      session.signedOut('session-expired');
      this.d.onSessionExpired();
      return 'session-expired';
    }
    // Network failure (the request may have reached the IdP) or any other answer: never resend.
    return this.recover(withoutRefreshToken(tokens));
  }

  private recover(tokens: Tokens): RefreshOutcome {
    const live = tokens.accessTokenExpiresAt > this.d.now() ? tokens : undefined;
    this.d.session.recovering(live);
    this.d.onRecoveryNeeded();
    return 'recovering';
  }
}

function withoutRefreshToken(t: Tokens): Tokens {
  const { refreshToken: _dropped, ...rest } = t;
  return rest;
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
