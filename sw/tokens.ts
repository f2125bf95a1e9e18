import type { TokenResponse } from './oidc.ts';
import type { UserProfile } from './protocol.ts';
import type { DpopKey } from './dpop.ts';
import type { Tokens } from './session.ts';

/** When the IdP omits `expires_in` (it is only RECOMMENDED, RFC 6749 §5.1), assume a short life. */
const DEFAULT_LIFETIME_S = 60;

/**
 * Refresh this long before expiry, but never more than half the token's lifetime: with a fixed
 * margin, a token that lives no longer than the margin would be "due" from the moment it arrives
 * and every use would refresh again.
 */
export const REFRESH_MARGIN_MS = 30_000;

export function tokensFrom(
  res: TokenResponse,
  o: { now: number; profile: UserProfile; requestedScope: string; previous?: Tokens; dpopKey?: DpopKey | undefined },
): Tokens {
  const lifetimeMs = (res.expires_in ?? DEFAULT_LIFETIME_S) * 1000;
  const t: { -readonly [K in keyof Tokens]: Tokens[K] } = {
    accessToken: res.access_token,
    accessTokenExpiresAt: o.now + lifetimeMs,
    refreshAt: o.now + lifetimeMs - Math.min(REFRESH_MARGIN_MS, lifetimeMs / 2),
    // RFC 6749 §5.1: an omitted scope means "as requested" (or, on refresh, as before).
    scopes: (res.scope ?? o.previous?.scopes.join(' ') ?? o.requestedScope).split(' ').filter(Boolean),
    profile: o.profile,
    lastRefreshAt: o.previous ? o.now : null,
  };
  // No new refresh token on refresh means the IdP does not rotate: the old one stays valid.
  const rt = res.refresh_token ?? o.previous?.refreshToken;
  if (rt !== undefined) t.refreshToken = rt;
  const idt = res.id_token ?? o.previous?.idToken;
  if (idt !== undefined) t.idToken = idt;
  // Bound only if the IdP said so: one that does not speak DPoP ignores the proof (RFC 9449 §5).
  const key = o.dpopKey ?? o.previous?.dpopKey;
  if (res.token_type === 'DPoP' && key !== undefined) t.dpopKey = key;
  return t;
}
