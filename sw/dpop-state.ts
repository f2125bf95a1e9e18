/**
 * The SW's DPoP memory: the nonces servers gave, and the keys of sign-ins in progress (made at
 * `/login` for `dpop_jkt`, needed at `/callback` for the code exchange). Memory only: a SW
 * stopped in between has lost the key, and the callback starts the sign-in again.
 */
import { DpopNonces, dpopProof, type DpopKey } from './dpop.ts';
import type { TokenEndpointProof } from './oidc.ts';

/** Sign-ins in progress at once (tabs, silent attempts); older ones are forgotten. */
const MAX_PENDING = 16;

export class DpopState {
  readonly nonces = new DpopNonces();
  readonly #pending = new Map<string, DpopKey>();

  /** The key a sign-in with this `state` asked the IdP to bind to. */
  remember(state: string, key: DpopKey): void {
    this.#pending.set(state, key);
    while (this.#pending.size > MAX_PENDING) this.#pending.delete(this.#pending.keys().next().value as string);
  }

  take(state: string): DpopKey | undefined {
    const key = this.#pending.get(state);
    this.#pending.delete(state);
    return key;
  }

  /** Proofs for `url` (a token endpoint) with `key`, keeping the nonce it asks for. */
  tokenEndpointProof(key: DpopKey | undefined, url: string): TokenEndpointProof | undefined {
    if (key === undefined) return undefined;
    return (nonce) => {
      if (nonce !== undefined) this.nonces.set(url, nonce);
      return dpopProof(key, { method: 'POST', url, nonce: this.nonces.get(url) });
    };
  }
}
