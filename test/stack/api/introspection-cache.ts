import type { Principal } from './principal.ts';
import { TokenCache } from './token-cache.ts';

/** Default upper bound on how long a positive introspection answer is reused (B8). */
export const DEFAULT_CACHE_MAX_AGE_SEC = 30;
/** Bounded so a flood of distinct valid tokens cannot grow memory without limit. */
export const DEFAULT_CACHE_MAX_ENTRIES = 1_000;

/**
 * Positive introspection results (RFC 7662 §4: caching trades freshness for load).
 *
 * The bound: an entry lives until min(token `exp`, time of introspection + maxAgeSec), so a revoked
 * token keeps working for at most `maxAgeSec` (30 s by default) and an expired one never does.
 * Keys are SHA-256 digests of the token (TokenCache). At most `maxEntries` entries, least recently
 * used evicted first. Negative answers are not cached.
 */
export class IntrospectionCache {
  readonly #cache: TokenCache<Principal>;
  readonly #maxAgeMs: number;
  readonly #now: () => number;

  constructor(opts: { maxAgeSec?: number; maxEntries?: number; now?: () => number } = {}) {
    this.#maxAgeMs = (opts.maxAgeSec ?? DEFAULT_CACHE_MAX_AGE_SEC) * 1000;
    this.#now = opts.now ?? Date.now;
    this.#cache = new TokenCache({ maxEntries: opts.maxEntries ?? DEFAULT_CACHE_MAX_ENTRIES, now: this.#now });
  }

  get size(): number {
    return this.#cache.size;
  }

  get(token: string): Principal | undefined {
    return this.#cache.get(token);
  }

  /** @param expSec the token's `exp` (seconds since the epoch) from the introspection answer */
  set(token: string, principal: Principal, expSec: number): void {
    this.#cache.set(token, principal, Math.min(expSec * 1000, this.#now() + this.#maxAgeMs));
  }
}
