import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * RFC 9449 §9: resource-server nonces. Stateless: a nonce is a time slot and its HMAC under a
 * secret made at start (a restart makes old nonces unknown, and clients get a new one with
 * `use_dpop_nonce`). A nonce is good in its slot and the next, so it lives 5-10 minutes; a proof
 * carrying the previous slot's nonce is accepted and answered with the current one (§8.2).
 * Unpredictable without the secret (§8: "Nonce values MUST be unpredictable").
 */
export const NONCE_SLOT_SEC = 300;

export type NonceCheck = 'current' | 'previous' | 'invalid';

export class DpopNonces {
  readonly #secret = randomBytes(32);
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  current(): string {
    return this.#forSlot(this.#slot());
  }

  check(nonce: unknown): NonceCheck {
    if (typeof nonce !== 'string') return 'invalid';
    const slot = this.#slot();
    if (same(nonce, this.#forSlot(slot))) return 'current';
    if (same(nonce, this.#forSlot(slot - 1))) return 'previous';
    return 'invalid';
  }

  #slot(): number {
    return Math.floor(this.#now() / 1000 / NONCE_SLOT_SEC);
  }

  #forSlot(slot: number): string {
    const mac = createHmac('sha256', this.#secret).update(`dpop-nonce:${slot}`).digest('base64url');
    return `${slot.toString(36)}.${mac}`;
  }
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
