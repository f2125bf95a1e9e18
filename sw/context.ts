/**
 * What handlers may get: config, the OIDC client, session, stores, clock and fetch. Handlers are
 * `(request, ctx) => Promise<Response>`, each typed with the `Pick<Ctx, …>` it uses, so unit tests
 * run them in Node with a small `ctx`.
 */
import type { JWTVerifyGetKey } from 'jose';
import type { VaultConfig } from './config.ts';
import type { DeploymentProblem } from './deployment-check.ts';
import type { DpopState } from './dpop-state.ts';
import type { HintStore } from './hint-store.ts';
import type { Oidc } from './oidc.ts';
import type { Broadcast } from './protocol.ts';
import type { Refresher } from './refresh.ts';
import type { Recovery } from './recovery.ts';
import type { Session, Tokens } from './session.ts';
import type { TicketBook } from './tickets.ts';

export interface Ctx {
  /** The SW's own origin (`self.location.origin`). */
  readonly origin: string;
  /** Random per SW start (non-secret; tells the page the worker was restarted). */
  readonly instanceId: string;
  readonly config: () => Promise<VaultConfig>;
  /** oidc-client-ts's `OidcClient` with its validated discovery document and state store. */
  readonly oidc: () => Promise<Oidc>;
  /** The issuer's JWKS as a jose key resolver (remote in the SW, local in tests). */
  readonly keys: () => Promise<JWTVerifyGetKey>;
  /** Once the config is known: the origins cross-origin script requests are owned for (owns.ts). */
  readonly ownedOrigins: () => ReadonlySet<string> | undefined;
  /** What is wrong with the headers the app's documents are served with (deployment-check.ts). */
  readonly deployment: () => Promise<DeploymentProblem[]>;
  readonly session: Session;
  /** DPoP nonces and the keys of sign-ins in progress (memory only). */
  readonly dpop: DpopState;
  readonly hint: HintStore;
  readonly tickets: TicketBook;
  readonly refresher: Refresher;
  readonly recovery: Recovery;
  /** Revokes the refresh token of tokens nobody may use any more (best effort, never the current grant). */
  readonly discard: (tokens: Tokens) => void;
  readonly now: () => number;
  readonly fetch: typeof fetch;
  readonly broadcast: (message: Broadcast) => Promise<void>;
}
