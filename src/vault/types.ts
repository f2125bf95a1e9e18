import type { SessionSnapshot, AuthErrorCode } from '../../sw/protocol.ts';

/** Where the page stands with its service worker. */
export type VaultStatus =
  | { kind: 'starting' } // registering / waiting for control
  | { kind: 'unavailable'; reason: 'unsupported' | 'insecure-context' | 'blocked' | 'failed' } // no SW possible: say so, never spin
  | { kind: 'ready'; session: SessionSnapshot; swInstanceId: string };

export interface VaultEvents {
  /** Any change of status (also session changes pushed by the SW, e.g. sign-out in another tab). */
  status: VaultStatus;
  /** A new SW version is installed and waiting ("Reload to update"). */
  updateAvailable: undefined;
  /** The signed-in user changed (recovered session has another `sub`): drop cached data. */
  userChanged: { previousSub: string | null; sub: string | null };
}

export interface Vault {
  readonly status: VaultStatus;
  subscribe<K extends keyof VaultEvents>(event: K, listener: (value: VaultEvents[K]) => void): () => void;
  /** Same-origin link the "Sign in" control points at: `/login?returnTo=<current path+query>`. */
  signInHref(returnTo?: string): string;
  /** Gets a one-time ticket from the SW, then navigates the top-level window to /logout?ticket=. */
  signOut(): Promise<void>;
  /** Tell the waiting SW to activate, then reload once (the session recovers silently). */
  applyUpdate(): Promise<void>;
  /** The `auth_error` code the callback left in the URL on this load (already removed from the URL), if any. */
  readonly authError: AuthErrorCode | null;
  /** Resolves when API calls may be made (page controlled and any recovery finished or failed). */
  whenApiReady(): Promise<void>;
}
