/** Who is calling, as established by a validated access token. */
export interface Principal {
  /** The token's `sub`: todos are stored per subject (B9). */
  readonly sub: string;
  readonly scopes: ReadonlySet<string>;
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
