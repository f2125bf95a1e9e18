/**
 * ID token validation (OIDC Core §3.1.3.7, STANDARDS A4) as named steps. jose checks the
 * signature against the issuer's JWKS, `iss` (exact), `aud` (contains client_id), `exp`/`nbf`
 * with a small leeway and the algorithm against our allow-list; we add `nonce` and `sub`.
 * Not checked: `azp` beyond presence with several audiences (OIDC §3.1.3.7 step 5 is a SHOULD),
 * `at_hash` (the access token is opaque to us, RFC 9068 §6), `auth_time`/`acr` (never requested).
 */
import { jwtVerify, type JWTVerifyGetKey, type JWTPayload } from 'jose';
import { SwError, type IdTokenErrorCode } from './errors.ts';
import type { UserProfile } from './protocol.ts';

export class IdTokenError extends SwError<IdTokenErrorCode> {
  override readonly name = 'IdTokenError';
}

/** Asymmetric algorithms only: `none` and HS* (keyed with the client secret we do not have) never. */
export function allowedAlgorithms(fromDiscovery: readonly string[] | undefined): string[] {
  const advertised = fromDiscovery && fromDiscovery.length > 0 ? fromDiscovery : ['RS256'];
  return advertised.filter((a) => a !== 'none' && !a.startsWith('HS'));
}

export interface IdTokenExpectations {
  readonly issuer: string;
  readonly clientId: string;
  readonly algorithms: readonly string[];
  /** Required for a code exchange; absent for refresh responses (OIDC §12.2). */
  readonly nonce?: string;
  /** On refresh, the new ID token must name the same user (OIDC §12.2). */
  readonly sub?: string;
  readonly now: () => number;
}

export interface VerifiedIdToken {
  readonly profile: UserProfile;
}

export async function verifyIdToken(token: string, keys: JWTVerifyGetKey, x: IdTokenExpectations): Promise<VerifiedIdToken> {
  if (x.algorithms.length === 0) throw new IdTokenError('id_token_alg', 'no acceptable signing algorithm');
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, keys, {
      issuer: x.issuer,
      audience: x.clientId,
      algorithms: [...x.algorithms],
      // Seconds: browsers' clocks drift, and a user should not be refused over half a minute.
      clockTolerance: 30,
      currentDate: new Date(x.now()),
      requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat'],
    }));
  } catch (cause) {
    const code = (cause as { code?: string }).code === 'ERR_JOSE_ALG_NOT_ALLOWED' ? 'id_token_alg' : 'id_token_invalid';
    throw new IdTokenError(code, 'ID token failed verification', { cause });
  }
  if (x.nonce !== undefined && payload['nonce'] !== x.nonce) throw new IdTokenError('id_token_nonce', 'nonce mismatch');
  if (Array.isArray(payload.aud) && payload.aud.length > 1 && payload['azp'] !== x.clientId) {
    throw new IdTokenError('id_token_azp', 'azp is not this client');
  }
  const sub = payload.sub;
  if (typeof sub !== 'string' || sub === '') throw new IdTokenError('id_token_sub', 'sub missing');
  if (x.sub !== undefined && sub !== x.sub) throw new IdTokenError('id_token_sub', 'sub changed');
  const profile: { -readonly [K in keyof UserProfile]: UserProfile[K] } = { sub };
  if (typeof payload['name'] === 'string') profile.name = payload['name'];
  if (typeof payload['email'] === 'string') profile.email = payload['email'];
  return { profile };
}
