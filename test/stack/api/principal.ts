import { ApiError } from './errors.ts';

/** Who is calling, as established by a validated access token. */
export interface Principal {
  readonly sub: string;
  readonly scopes: ReadonlySet<string>;
  /**
   * RFC 9449 §6: the JWK SHA-256 thumbprint the token is bound to (`cnf.jkt`). Present = the token
   * is DPoP-bound and only works with the DPoP scheme and a proof signed by that key (B7).
   */
  readonly jkt?: string | undefined;
}

/** Checks an access token and returns its principal, or throws ApiError `invalid_token` / `temporarily_unavailable`. */
export interface TokenValidator {
  validate(token: string): Promise<Principal>;
}

/** RFC 9068 §2.2.3 / RFC 7662 §2.2: `scope` is a space-separated string. */
export function parseScope(scope: unknown): Set<string> {
  if (typeof scope !== 'string') return new Set();
  return new Set(scope.split(' ').filter((s) => s !== ''));
}

/**
 * The DPoP key a token is bound to, from its `cnf` claim (RFC 7800; RFC 9449 §6.1 for JWTs, §6.2
 * for introspection). No `cnf`: an unbound Bearer token. A `cnf` without `jkt` (mTLS `x5t#S256`,
 * say) binds the token to something this API cannot check, so the token is refused rather than
 * accepted as if it were unbound.
 * @throws ApiError `invalid_token`
 */
export function boundKeyOf(cnf: unknown): string | undefined {
  if (cnf === undefined) return undefined;
  const jkt = typeof cnf === 'object' && cnf !== null ? (cnf as { jkt?: unknown }).jkt : undefined;
  if (typeof jkt !== 'string' || jkt === '') {
    throw new ApiError('invalid_token', 'the token is bound to a key this API cannot check (cnf without jkt)');
  }
  return jkt;
}
