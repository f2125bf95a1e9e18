/**
 * Retries that spread out: 1 s, 2 s, 4 s … up to a cap, each ±20 % so that tabs and users who
 * failed together do not all come back in the same instant. `schedule` after a failure, `reset`
 * after a success or when a retry happened for another reason (the user, `online`).
 */
export interface BackoffOptions {
  readonly firstMs?: number;
  /** Caps the wait, so a service that comes back is noticed within about this long. */
  readonly capMs?: number;
  readonly random?: () => number;
}

export class Backoff {
  #failures = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #first: number;
  readonly #cap: number;
  readonly #random: () => number;
  readonly #retry: () => void;

  constructor(retry: () => void, opts: BackoffOptions = {}) {
    this.#retry = retry;
    this.#first = opts.firstMs ?? 1_000;
    this.#cap = opts.capMs ?? 10_000;
    this.#random = opts.random ?? Math.random;
  }

  /** Plans the next retry; returns its delay in ms. */
  schedule(): number {
    clearTimeout(this.#timer);
    const ms = Math.min(this.#cap, this.#first * 2 ** this.#failures) * (0.8 + 0.4 * this.#random());
    this.#failures++;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#retry();
    }, ms);
    return ms;
  }

  reset(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#failures = 0;
  }
}
