/**
 * What the UI needs from the page-side vault. Components and their tests depend on this
 * contract (src/vault/types.ts), never on the implementation: tests pass small fakes.
 */
export type { Vault as VaultPort, VaultEvents, VaultStatus } from '../vault/types.ts';
