import { createRemoteJWKSet, errors as joseErrors, jwtVerify } from 'jose';
import type { JWTPayload, JWTVerifyGetKey } from 'jose';
import { ALLOWED_ALGS } from './algorithms.ts';
import type { Discovery } from './discovery.ts';
import { ApiError } from './errors.ts';
import { boundKeyOf, parseScope, type Principal, type TokenValidator } from './principal.ts';
import { TokenCache } from './token-cache.ts';

export { ALLOWED_ALGS } from './algorithms.ts';

/** RFC 9068 §2.1. jose compares `typ` case-insensitively and adds `application/` when missing, so `application/at+jwt` passes too. */
export const ACCESS_TOKEN_TYP = 'at+jwt';

/** RFC 9068 §2.2 required claims; `client_id` and `jti` are also required there but this API does not use them. */
export const REQUIRED_CLAIMS = ['iss', 'sub', 'aud', 'exp', 'iat'] as const;

/** Verified tokens remembered (see JwtValidator); 0 turns the cache off. */
export const DEFAULT_VERIFIED_TOKEN_CACHE_SIZE = 1_000;

export interface JwtValidatorOptions {
  readonly issuer: string;
  /** This API's identifier (its origin): `aud` must contain it (B4, RFC 8707). */
  readonly audience: string;
  readonly clockToleranceSec: number;
  readonly discovery: Discovery;
  /** Default DEFAULT_VERIFIED_TOKEN_CACHE_SIZE entries. */
  readonly cacheSize?: number;
  /** Milliseconds since the epoch, for full validation and the cache alike; tests freeze it. */
  readonly now?: () => number;
}

/**
 * Validates RFC 9068 JWT access tokens as a short script of named steps (B1-B4).
 *
 * What it does not cover: revocation (a JWT stays valid until `exp`; use introspection mode), the
 * DPoP proof (the principal carries `cnf.jkt`; dpop-binding.ts checks the proof on every request,
 * cached or not), `client_id` and `jti` (not used by this API).
 * Keys come only from the issuer's discovered `jwks_uri`: `jku`, `x5u`, `jwk` and `x5c` headers
 * are never consulted (jose's `createRemoteJWKSet` only fetches the URL it was created with).
 *
 * Verified-token cache (issue 12): a token that passed every step is remembered by its SHA-256
 * (TokenCache: bounded LRU, DEFAULT_VERIFIED_TOKEN_CACHE_SIZE entries) until its `exp`, never
 * longer: the entry ends at `exp` itself, before the clock tolerance that full validation allows,
 * and the lookup checks that with the same clock as full validation. Only the principal (`sub`,
 * scopes) is kept; the per-route scope check runs on every request, and `aud` and `iss` are fixed
 * per validator, so no decision changes. Only the signature and claim checks are skipped, which
 * give the same answer for the same token bytes until `exp` (a token differing by one byte is a
 * different key). Revocation: in JWT mode nothing can revoke a token before its `exp` locally,
 * with or without this cache (the IdP cannot tell the API); use short access-token lifetimes, or
 * introspection mode, whose cache has its own bound (B8, IntrospectionCache).
 */
export class JwtValidator implements TokenValidator {
  readonly #opts: JwtValidatorOptions;
  readonly #now: () => number;
  readonly #cache: TokenCache<Principal>;
  #keys: Promise<JWTVerifyGetKey> | undefined;

  constructor(opts: JwtValidatorOptions) {
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
    this.#cache = new TokenCache({ maxEntries: opts.cacheSize ?? DEFAULT_VERIFIED_TOKEN_CACHE_SIZE, now: this.#now });
  }

  /** Entries in the verified-token cache (for tests). */
  get cached(): number {
    return this.#cache.size;
  }

  async validate(token: string): Promise<Principal> {
    const remembered = this.#cache.get(token);
    if (remembered !== undefined) return remembered;
    const keys = await this.#keySet();
    const nowMs = this.#now();
    const payload = await verifySignatureAndClaims(token, keys, this.#opts, new Date(nowMs));
    checkIssuedAtNotInFuture(payload, this.#opts.clockToleranceSec, nowMs / 1000);
    const principal = toPrincipal(payload);
    // REQUIRED_CLAIMS makes `exp` a number here.
    if (typeof payload.exp === 'number') this.#cache.set(token, principal, payload.exp * 1000);
    return principal;
  }

  #keySet(): Promise<JWTVerifyGetKey> {
    this.#keys ??= this.#opts.discovery.get().then(
      (meta) => onlyKeySetFailuresAreUnavailable(createRemoteJWKSet(new URL(meta.jwks_uri))),
      (err: unknown) => {
        this.#keys = undefined; // discovery failed: try again on the next request
        throw err;
      },
    );
    return this.#keys;
  }
}

/**
 * A key set that reports an unreachable or broken `jwks_uri` as 503 `temporarily_unavailable`
 * (the token may be fine), while "no key with this kid" stays a token failure.
 */
function onlyKeySetFailuresAreUnavailable(remote: JWTVerifyGetKey): JWTVerifyGetKey {
  return async (header, token) => {
    try {
      return await remote(header, token);
    } catch (cause) {
      if (cause instanceof joseErrors.JWKSNoMatchingKey || cause instanceof joseErrors.JWKSMultipleMatchingKeys) {
        throw cause;
      }
      throw new ApiError('temporarily_unavailable', 'the identity provider keys are unavailable', { cause });
    }
  };
}

/** Step 1 (B1-B4): signature by an issuer key, allowed alg, `typ`, `iss`, `aud`, `exp`/`nbf` with leeway, required claims. */
export async function verifySignatureAndClaims(
  token: string,
  keys: JWTVerifyGetKey,
  opts: Pick<JwtValidatorOptions, 'issuer' | 'audience' | 'clockToleranceSec'>,
  currentDate: Date = new Date(),
): Promise<JWTPayload> {
  try {
    const { payload } = await jwtVerify(token, keys, {
      currentDate,
      algorithms: [...ALLOWED_ALGS],
      typ: ACCESS_TOKEN_TYP,
      issuer: opts.issuer,
      audience: opts.audience,
      clockTolerance: opts.clockToleranceSec,
      requiredClaims: [...REQUIRED_CLAIMS],
    });
    return payload;
  } catch (cause) {
    if (cause instanceof ApiError) throw cause;
    throw new ApiError('invalid_token', describe(cause), { cause });
  }
}

/** Step 2 (B3): jose checks `iat` only when `maxTokenAge` is set, so a future `iat` is refused here. */
export function checkIssuedAtNotInFuture(payload: JWTPayload, clockToleranceSec: number, nowSec = Date.now() / 1000): void {
  if (typeof payload.iat !== 'number' || payload.iat > nowSec + clockToleranceSec) {
    throw new ApiError('invalid_token', 'the token is issued in the future');
  }
}

/**
 * Step 3 (B9): a non-empty `sub` keys the user's todos; `scope` gives the route permissions (B5);
 * `cnf.jkt` marks a DPoP-bound token (B7).
 */
export function toPrincipal(payload: JWTPayload): Principal {
  if (typeof payload.sub !== 'string' || payload.sub === '') {
    throw new ApiError('invalid_token', 'the token has no subject');
  }
  return { sub: payload.sub, scopes: parseScope(payload['scope']), jkt: boundKeyOf(payload['cnf']) };
}

/** A short, fixed description per failure kind: never the token or its claims. */
function describe(err: unknown): string {
  if (err instanceof joseErrors.JWTExpired) return 'the token is expired';
  if (err instanceof joseErrors.JWTClaimValidationFailed) return `the token's "${err.claim}" claim is not acceptable`;
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return 'the token is signed with an algorithm that is not allowed';
  if (err instanceof joseErrors.JWKSNoMatchingKey) return 'the token is signed with an unknown key';
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return 'the token signature is invalid';
  return 'the token is malformed or invalid';
}
