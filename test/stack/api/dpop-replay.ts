/**
 * RFC 9449 §11.1: the `jti` of every accepted proof, remembered while its `iat` is inside the
 * acceptance window, so a captured proof cannot be sent again. Bounded in time (entries go when
 * the window has passed for them) and in size (`maxEntries`). When full, the oldest entry is
 * dropped and the `iat` it had becomes a floor: a proof issued at or before the floor is refused
 * as too old, so dropping an entry never re-opens a replay (honest clients make fresh proofs,
 * whose `iat` is later). A flood can thus make the API refuse older proofs, never accept a replay.
 */
export const DEFAULT_REPLAY_CACHE_ENTRIES = 10_000;

export type ReplayVerdict = 'fresh' | 'replayed' | 'too_old';

export class ReplayCache {
  /** key -> iat (seconds); insertion order is arrival order. */
  readonly #seen = new Map<string, number>();
  readonly #windowSec: number;
  readonly #maxEntries: number;
  #floorIat = -Infinity;

  /** @param windowSec how long after its `iat` a proof can still be accepted */
  constructor(opts: { windowSec: number; maxEntries?: number }) {
    this.#windowSec = opts.windowSec;
    this.#maxEntries = Math.max(1, opts.maxEntries ?? DEFAULT_REPLAY_CACHE_ENTRIES);
  }

  get size(): number {
    return this.#seen.size;
  }

  /** Records the proof if it is new. */
  claim(key: string, iat: number, nowSec: number): ReplayVerdict {
    this.#dropExpired(nowSec);
    if (iat <= this.#floorIat) return 'too_old';
    if (this.#seen.has(key)) return 'replayed';
    while (this.#seen.size >= this.#maxEntries) {
      const oldest = this.#seen.entries().next();
      if (oldest.done === true) break;
      this.#seen.delete(oldest.value[0]);
      this.#floorIat = Math.max(this.#floorIat, oldest.value[1]);
    }
    this.#seen.set(key, iat);
    return 'fresh';
  }

  #dropExpired(nowSec: number): void {
    for (const [key, iat] of this.#seen) {
      if (iat + this.#windowSec >= nowSec) break;
      this.#seen.delete(key);
    }
  }
}
