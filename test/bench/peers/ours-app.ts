/**
 * Our page-side client alone (the vault: SW registration, the page <-> SW protocol, recovery
 * frame), without the todo UI, so it can be sized beside the peers' client libraries. Sign-in is
 * a plain link and API calls are plain `fetch`: there is nothing else an app must call.
 */
import { vault } from '../../../src/app/start-vault.ts';

Object.assign(window, { app: { vault } });
