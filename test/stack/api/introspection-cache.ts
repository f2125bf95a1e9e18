import { createHash } from 'node:crypto';
import type { Principal } from './principal.ts';

/** Default upper bound on how long a positive introspection answer is reused (B8). */
export const DEFAULT_CACHE_MAX_AGE_SEC = 30;
/** Bounded so a flood of distinct valid tokens cannot grow memory without limit. */
export const DEFAULT_CACHE_MAX_ENTRIES = 1_000;

interface Entry {
  readonly principal: Principal;
  readonly expiresAtMs: number;
}

/**
 * Positive introspection results (RFC 7662 §4: caching trades freshness for load).
 *
 * The bound: an entry lives until min(token `exp`, time of introspection + maxAgeSec), so a revoked
 * token keeps working for at most `maxAgeSec` (30 s by default) and an expired one never does.
 * Keys are SHA-256 digests of the token: the raw token is never kept as a map key. At most
 * `maxEntries` entries; the oldest is evicted first. Negative answers are not cached.
 */
export class IntrospectionCache {
  readonly #entries = new Map<string, Entry>();
  readonly #maxAgeMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;

  constructor(opts: { maxAgeSec?: number; maxEntries?: number; now?: () => number } = {}) {
    this.#maxAgeMs = (opts.maxAgeSec ?? DEFAULT_CACHE_MAX_AGE_SEC) * 1000;
    this.#maxEntries = opts.maxEntries ?? DEFAULT_CACHE_MAX_ENTRIES;
    this.#now = opts.now ?? Date.now;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(token: string): Principal | undefined {
    const key = digest(token);
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (this.#now() >= entry.expiresAtMs) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.principal;
  }

  /** @param expSec the token's `exp` (seconds since the epoch) from the introspection answer */
  set(token: string, principal: Principal, expSec: number): void {
    const now = this.#now();
    const expiresAtMs = Math.min(expSec * 1000, now + this.#maxAgeMs);
    if (expiresAtMs <= now || this.#maxEntries <= 0) return;
    const key = digest(token);
    this.#entries.delete(key);
    while (this.#entries.size >= this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done === true) break;
      this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, { principal, expiresAtMs });
  }
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
