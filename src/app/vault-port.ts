import type { AuthErrorCode, SessionSnapshot } from '../../sw/protocol.ts';

/**
 * What the UI needs from the page-side vault (/tmp/vault-api.md, implemented in src/vault/).
 * Declared here structurally so components and their tests depend on the contract, not on the
 * implementation: main.ts checks that the real vault satisfies it, tests pass small fakes.
 */
export type VaultStatus =
  | { readonly kind: 'starting' }
  | { readonly kind: 'unavailable'; readonly reason: 'unsupported' | 'insecure-context' | 'blocked' | 'failed' }
  | { readonly kind: 'ready'; readonly session: SessionSnapshot; readonly swInstanceId: string };

export interface VaultEvents {
  status: VaultStatus;
  updateAvailable: void;
  userChanged: { previousSub: string | null; sub: string | null };
}

export interface VaultPort {
  readonly status: VaultStatus;
  subscribe<K extends keyof VaultEvents>(event: K, listener: (value: VaultEvents[K]) => void): () => void;
  signInHref(returnTo?: string): string;
  signOut(): Promise<void>;
  applyUpdate(): Promise<void>;
  readonly authError: AuthErrorCode | null;
  whenApiReady(): Promise<void>;
}
