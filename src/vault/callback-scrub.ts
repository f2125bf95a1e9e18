/**
 * Runs FIRST on every page load (src/main.ts calls it before anything else). A page at
 * `/callback?code=…` means no SW answered the navigation (first visit, Shift+Reload, or an
 * attacker's own flow after `registration.unregister()`): the code must leave every URL page
 * script can read. `history.replaceState` cleans the address bar and history, but the
 * document's navigation-timing entry keeps the URL it was loaded with, so the page then replaces
 * itself with a fresh document at `/?signin=restart`; sign-in restarts there once controlled.
 * (A script that runs before this one can still read the code: SECURITY.md says so.)
 *
 * Also reads `auth_error` (the SW's fixed error table) and removes it from the URL.
 */
import type { AuthErrorCode } from '../../sw/protocol.ts';

/** Every code, by construction: a code added to the protocol without one here fails to compile. */
const AUTH_ERRORS: ReadonlySet<string> = new Set(
  Object.keys({
    access_denied: true,
    login_required: true,
    interaction_required: true,
    state_mismatch: true,
    issuer_mismatch: true,
    bad_callback: true,
    token_exchange_failed: true,
    id_token_invalid: true,
    idp_unreachable: true,
    idp_error: true,
    config_invalid: true,
    insecure_deployment: true,
  } satisfies Record<AuthErrorCode, true>),
);

export interface ScrubResult {
  /** The page was an uncontrolled `/callback` carrying a code: sign in again once controlled. */
  readonly restartSignIn: boolean;
  readonly authError: AuthErrorCode | null;
}

let result: ScrubResult | undefined;

/** Marks the clean document an uncontrolled callback page hands over to. */
const RESTART = 'signin';

export function scrubCallbackUrl(): ScrubResult {
  if (result) return result;
  const url = new URL(location.href);
  if (url.pathname === '/callback') {
    const restart = url.searchParams.has('code');
    // Whatever arrived (query or fragment) leaves the address bar at once...
    history.replaceState(null, '', '/');
    // ...and the document, whose navigation entry still holds it.
    location.replace(restart ? `/?${RESTART}=restart` : '/');
    result = { restartSignIn: false, authError: null };
    return result;
  }
  let changed = false;
  const restartSignIn = url.searchParams.get(RESTART) === 'restart';
  if (url.searchParams.has(RESTART)) {
    url.searchParams.delete(RESTART);
    changed = true;
  }
  const raw = url.searchParams.get('auth_error');
  const authError = raw !== null && AUTH_ERRORS.has(raw) ? (raw as AuthErrorCode) : null;
  if (url.searchParams.has('auth_error')) {
    url.searchParams.delete('auth_error');
    changed = true;
  }
  if (changed || location.hash === '#') {
    const clean = url.pathname + url.search + (url.hash === '#' ? '' : url.hash);
    history.replaceState(history.state, '', clean);
  }
  result = { restartSignIn, authError };
  return result;
}
