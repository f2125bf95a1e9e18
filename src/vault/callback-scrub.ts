/**
 * Runs FIRST on every page load (src/main.ts calls it before anything else). A page at
 * `/callback?code=…` means no SW answered the navigation (first visit, Shift+Reload, or an
 * attacker's own flow after `registration.unregister()`): the code must leave every URL page
 * script can read. `history.replaceState` cleans the address bar and history, but the
 * document's navigation-timing entry keeps the URL it was loaded with, so the page then replaces
 * itself with a fresh document at `/?signin=restart`; sign-in restarts there once controlled.
 * (A script that runs before this one can still read the code: SECURITY.md says so.)
 *
 * Also reads `auth_error` (the SW's fixed error table) and removes it, and what else must not
 * stay in the address bar (`cleanUrl`).
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

/**
 * The address this load should show instead of `href` (null: it is fine as it is), and what it
 * carried. Removed: `signin` (ours), `auth_error` (read here), `state` (the IdP's post-logout
 * redirect carries it, RP-Initiated Logout §3; after sign-out there is nothing left for it to
 * protect), and a bare `#` (the SW's redirects end in one so that no fragment survives them;
 * `location.hash` is '' for it, so only the href shows it).
 */
export function cleanUrl(href: string): ScrubResult & { readonly clean: string | null } {
  const url = new URL(href);
  const restartSignIn = url.searchParams.get(RESTART) === 'restart';
  const raw = url.searchParams.get('auth_error');
  const authError = raw !== null && AUTH_ERRORS.has(raw) ? (raw as AuthErrorCode) : null;
  let changed = href.endsWith('#');
  for (const name of [RESTART, 'auth_error', 'state']) {
    if (url.searchParams.has(name)) {
      url.searchParams.delete(name);
      changed = true;
    }
  }
  return { restartSignIn, authError, clean: changed ? url.pathname + url.search + url.hash : null };
}

export function scrubCallbackUrl(): ScrubResult {
  if (result) return result;
  if (location.pathname === '/callback') {
    const restart = new URL(location.href).searchParams.has('code');
    // Whatever arrived (query or fragment) leaves the address bar at once...
    history.replaceState(null, '', '/');
    // ...and the document, whose navigation entry still holds it.
    location.replace(restart ? `/?${RESTART}=restart` : '/');
    result = { restartSignIn: false, authError: null };
    return result;
  }
  const { clean, restartSignIn, authError } = cleanUrl(location.href);
  if (clean !== null) history.replaceState(history.state, '', clean);
  result = { restartSignIn, authError };
  return result;
}
