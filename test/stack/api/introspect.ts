import type { Discovery } from './discovery.ts';
import { ApiError } from './errors.ts';
import { IntrospectionCache } from './introspection-cache.ts';
import { boundKeyOf, parseScope, type Principal, type TokenValidator } from './principal.ts';

export interface IntrospectionClient {
  readonly clientId: string;
  readonly clientSecret: string;
}

export interface IntrospectionValidatorOptions {
  /** This API's identifier: the answer's `aud` must contain it (B8, RFC 8707). */
  readonly audience: string;
  readonly issuer: string;
  readonly client: IntrospectionClient;
  readonly discovery: Discovery;
  readonly cache: IntrospectionCache;
}

const INTROSPECTION_TIMEOUT_MS = 5_000;

/**
 * Validates opaque access tokens with RFC 7662 introspection (B8), as named steps: ask the IdP
 * (client_secret_basic), require `active: true`, check `aud`, `sub`, `exp`, token type, then
 * cache the positive answer (see IntrospectionCache for the bound).
 *
 * A DPoP-bound token (`token_type` DPoP with `cnf.jkt`, RFC 9449 §6.2) gives a principal with
 * its `jkt`; dpop-binding.ts then requires the proof.
 */
export class IntrospectionValidator implements TokenValidator {
  readonly #opts: IntrospectionValidatorOptions;

  constructor(opts: IntrospectionValidatorOptions) {
    this.#opts = opts;
  }

  async validate(token: string): Promise<Principal> {
    const cached = this.#opts.cache.get(token);
    if (cached !== undefined) return cached;
    const answer = await this.#introspect(token);
    const { principal, exp } = checkIntrospectionAnswer(answer, this.#opts);
    this.#opts.cache.set(token, principal, exp);
    return principal;
  }

  async #introspect(token: string): Promise<Record<string, unknown>> {
    const meta = await this.#opts.discovery.get();
    if (meta.introspection_endpoint === undefined) {
      throw new ApiError('temporarily_unavailable', 'the identity provider has no introspection endpoint');
    }
    const { clientId, clientSecret } = this.#opts.client;
    // RFC 6749 §2.3.1: client_secret_basic form-encodes id and secret before base64.
    const basic = Buffer.from(`${formEncode(clientId)}:${formEncode(clientSecret)}`).toString('base64');
    let res: Response;
    try {
      res = await fetch(meta.introspection_endpoint, {
        method: 'POST',
        headers: {
          Authorization: `Basic ${basic}`,
          'Content-Type': 'application/x-www-form-urlencoded',
          Accept: 'application/json',
        },
        body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
        signal: AbortSignal.timeout(INTROSPECTION_TIMEOUT_MS),
        redirect: 'error',
      });
    } catch (cause) {
      throw new ApiError('temporarily_unavailable', 'the introspection endpoint is unreachable', { cause });
    }
    if (!res.ok) {
      // A 401 here means our own client credentials are wrong: a server problem, not the caller's token.
      throw new ApiError('temporarily_unavailable', `the introspection endpoint answered HTTP ${res.status}`);
    }
    let body: unknown;
    try {
      body = await res.json();
    } catch (cause) {
      throw new ApiError('temporarily_unavailable', 'the introspection answer is not JSON', { cause });
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new ApiError('temporarily_unavailable', 'the introspection answer is not a JSON object');
    }
    return body as Record<string, unknown>;
  }
}

/** Checks one RFC 7662 §2.2 answer. Every failure is `invalid_token`. */
export function checkIntrospectionAnswer(
  answer: Record<string, unknown>,
  expected: { readonly audience: string; readonly issuer: string },
  nowSec = Date.now() / 1000,
): { principal: Principal; exp: number } {
  if (answer['active'] !== true) throw new ApiError('invalid_token', 'the token is not active');
  // `iss` is optional in RFC 7662; when present it must be exactly our issuer.
  if (answer['iss'] !== undefined && answer['iss'] !== expected.issuer) {
    throw new ApiError('invalid_token', 'the token is from another issuer');
  }
  const aud = answer['aud'];
  const audiences = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
  if (!audiences.includes(expected.audience)) throw new ApiError('invalid_token', 'the token is not meant for this API');
  // RFC 7662 makes token_type optional; when present it is Bearer, or DPoP with the key (RFC 9449 §6.2).
  const tokenType = answer['token_type'];
  const jkt = boundKeyOf(answer['cnf']);
  if (tokenType !== undefined) {
    const type = typeof tokenType === 'string' ? tokenType.toLowerCase() : undefined;
    if (type !== 'bearer' && !(type === 'dpop' && jkt !== undefined)) {
      throw new ApiError('invalid_token', 'the token is neither a Bearer token nor a DPoP token with its key');
    }
  }
  // `exp` bounds the cache (B8); an answer without it is refused rather than cached forever.
  if (typeof answer['exp'] !== 'number' || answer['exp'] <= nowSec) {
    throw new ApiError('invalid_token', 'the token is expired');
  }
  if (typeof answer['sub'] !== 'string' || answer['sub'] === '') {
    throw new ApiError('invalid_token', 'the token has no subject');
  }
  return { principal: { sub: answer['sub'], scopes: parseScope(answer['scope']), jkt }, exp: answer['exp'] };
}

function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}
