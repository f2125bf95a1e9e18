import { createHash } from 'node:crypto';

/**
 * A bounded LRU of what was learnt about a token (its principal), keyed by the token's SHA-256:
 * the raw token is never a map key, so a heap dump or a debug print of the cache shows no token.
 * Every entry has an absolute expiry and is never served at or after it (checked at lookup with
 * the caller's clock). At most `maxEntries`; the least recently used goes first.
 */
export class TokenCache<V> {
  readonly #entries = new Map<string, { readonly value: V; readonly expiresAtMs: number }>();
  readonly #maxEntries: number;
  readonly #now: () => number;

  constructor(opts: { maxEntries: number; now?: () => number }) {
    this.#maxEntries = opts.maxEntries;
    this.#now = opts.now ?? Date.now;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(token: string): V | undefined {
    const key = digest(token);
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    if (this.#now() >= entry.expiresAtMs) return undefined;
    this.#entries.set(key, entry); // most recently used last
    return entry.value;
  }

  /** Ignored when `expiresAtMs` has passed already. */
  set(token: string, value: V, expiresAtMs: number): void {
    if (expiresAtMs <= this.#now() || this.#maxEntries <= 0) return;
    const key = digest(token);
    this.#entries.delete(key);
    while (this.#entries.size >= this.#maxEntries) {
      const lru = this.#entries.keys().next();
      if (lru.done === true) break;
      this.#entries.delete(lru.value);
    }
    this.#entries.set(key, { value, expiresAtMs });
  }
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
