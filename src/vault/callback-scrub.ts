/**
 * Runs FIRST on every page load (src/main.ts calls it before anything else). A page at
 * `/callback?code=…` means no SW answered the navigation (first visit, Shift+Reload): the code
 * must leave the address bar and history before any other script can read it. The code is
 * useless without the SW's verifier; sign-in restarts once the page is controlled.
 *
 * Also reads `auth_error` (the SW's fixed error table) and removes it from the URL.
 */
import type { AuthErrorCode } from '../../sw/protocol.ts';

const AUTH_ERRORS: ReadonlySet<string> = new Set<AuthErrorCode>([
  'access_denied',
  'login_required',
  'interaction_required',
  'state_mismatch',
  'issuer_mismatch',
  'bad_callback',
  'token_exchange_failed',
  'id_token_invalid',
  'idp_unreachable',
  'idp_error',
  'config_invalid',
]);

export interface ScrubResult {
  /** The page was an uncontrolled `/callback` carrying a code: sign in again once controlled. */
  readonly restartSignIn: boolean;
  readonly authError: AuthErrorCode | null;
}

let result: ScrubResult | undefined;

export function scrubCallbackUrl(): ScrubResult {
  if (result) return result;
  const url = new URL(location.href);
  let restartSignIn = false;
  let changed = false;
  if (url.pathname === '/callback') {
    restartSignIn = url.searchParams.has('code');
    // Whatever arrived (query or fragment) stays out of the URL; the app starts from `/`.
    url.pathname = '/';
    url.search = '';
    url.hash = '';
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
