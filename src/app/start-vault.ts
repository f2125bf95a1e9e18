import { scrubCallbackUrl } from '../vault/callback-scrub.ts';
import { startVault } from '../vault/vault-client.ts';
import type { VaultPort } from './vault-port.ts';

// main.ts imports this module first, so the callback URL is scrubbed and /sw.js registered
// before any other app module is evaluated (STANDARDS A9; issue 3 item 6).
scrubCallbackUrl();

/** The page's only vault; the annotation checks the real one still satisfies the UI's contract. */
export const vault: VaultPort = startVault();
