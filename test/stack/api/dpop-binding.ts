import type { IncomingMessage } from 'node:http';
import type { PresentedToken } from './credentials.ts';
import { checkProof, normaliseHtu } from './dpop-proof.ts';
import { DpopNonces } from './dpop-nonce.ts';
import { ReplayCache } from './dpop-replay.ts';
import { ApiError } from './errors.ts';
import type { Principal } from './principal.ts';

/** How old a proof's `iat` may be: the SW makes a fresh proof per call, so a minute is ample. */
export const PROOF_MAX_AGE_SEC = 60;

export interface DpopBindingOptions {
  /** The API's public origin: `htu` must be this origin plus the request path. */
  readonly origin: string;
  readonly clockToleranceSec: number;
  /** Milliseconds since the epoch; tests freeze it. */
  readonly now?: () => number;
  /** Default DEFAULT_REPLAY_CACHE_ENTRIES. */
  readonly replayCacheEntries?: number;
}

/**
 * B7 (RFC 9449 §7): whether the presented token may be used as it was sent. Runs on every request
 * after token validation, also when the principal came from the verified-token cache.
 *
 * - an unbound token (no `cnf.jkt`) works with Bearer only;
 * - a bound token sent as Bearer is refused (§7.2: it must not be usable as a bearer token);
 * - a bound token sent as DPoP needs exactly one `DPoP` header with a valid proof (dpop-proof.ts)
 *   whose key thumbprint is the token's `cnf.jkt`, carrying a nonce this API issued (§9: always
 *   required; the first call gets 401 `use_dpop_nonce` with `DPoP-Nonce`), and whose `jti` was
 *   not seen before (dpop-replay.ts).
 */
export class DpopBinding {
  readonly #opts: DpopBindingOptions;
  readonly #now: () => number;
  readonly #nonces: DpopNonces;
  readonly #replays: ReplayCache;

  constructor(opts: DpopBindingOptions) {
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
    this.#nonces = new DpopNonces(this.#now);
    this.#replays = new ReplayCache({
      windowSec: PROOF_MAX_AGE_SEC + opts.clockToleranceSec,
      ...(opts.replayCacheEntries !== undefined ? { maxEntries: opts.replayCacheEntries } : {}),
    });
  }

  /**
   * @returns response headers to add: a fresh `DPoP-Nonce` when the proof used the previous one
   * @throws ApiError `invalid_token` | `invalid_dpop_proof` | `use_dpop_nonce` (with `DPoP-Nonce`)
   */
  async enforce(
    presented: PresentedToken,
    principal: Principal,
    req: Pick<IncomingMessage, 'method' | 'headersDistinct'>,
    path: string,
  ): Promise<Record<string, string>> {
    if (principal.jkt === undefined) {
      if (presented.scheme === 'DPoP') throw new ApiError('invalid_token', 'the access token is not DPoP-bound; send it as Bearer');
      return {};
    }
    if (presented.scheme === 'Bearer') {
      throw new ApiError('invalid_token', 'the access token is DPoP-bound: send it with the DPoP scheme and a proof');
    }
    const proofs = req.headersDistinct['dpop'] ?? [];
    if (proofs.length !== 1 || proofs[0] === undefined) {
      throw new ApiError('invalid_dpop_proof', proofs.length === 0 ? 'a DPoP proof is required' : 'exactly one DPoP header is allowed');
    }
    const nowSec = this.#now() / 1000;
    const proof = await checkProof(proofs[0], {
      method: req.method ?? 'GET',
      htu: normaliseHtu(`${this.#opts.origin}${path}`) ?? '',
      accessToken: presented.token,
      nowSec,
      maxAgeSec: PROOF_MAX_AGE_SEC,
      clockToleranceSec: this.#opts.clockToleranceSec,
    });
    if (proof.jkt !== principal.jkt) {
      // As oidc-provider answers it: the token (not the proof) does not fit this key.
      throw new ApiError('invalid_token', 'the access token is bound to another key than the proof’s');
    }
    const nonce = this.#nonces.check(proof.nonce);
    if (nonce === 'invalid') {
      throw new ApiError(
        'use_dpop_nonce',
        proof.nonce === undefined ? 'this API requires a nonce in DPoP proofs' : 'the DPoP nonce is not (or no longer) valid',
        {
          headers: { 'DPoP-Nonce': this.#nonces.current() },
        },
      );
    }
    const verdict = this.#replays.claim(`${proof.jkt}:${proof.jti}`, proof.iat, nowSec);
    if (verdict === 'replayed') throw new ApiError('invalid_dpop_proof', 'the DPoP proof was already used (jti)');
    if (verdict === 'too_old') throw new ApiError('invalid_dpop_proof', 'the proof is too old (iat); make a new one');
    return nonce === 'previous' ? { 'DPoP-Nonce': this.#nonces.current() } : {};
  }
}
