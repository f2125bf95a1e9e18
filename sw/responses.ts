/** Responses the SW makes itself. None is cacheable; none leaks a referrer. */
import type { AuthErrorCode, SwFetchError, SwFetchErrorCode } from './protocol.ts';

const BASE_HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
};

/**
 * 302 to `location`, always with an explicit fragment: a redirect without one inherits the
 * fragment of the URL it answers (RFC 9110 §10.2.2), so a `response_mode=fragment` code sent to
 * `/callback#code=…` would otherwise be carried into a page-readable URL.
 */
export function redirect(location: string, base: string): Response {
  const url = new URL(location, base);
  url.hash = '';
  const href = url.href + '#';
  return new Response(null, { status: 302, headers: { ...BASE_HEADERS, Location: href } });
}

/** `/?auth_error=<code>#`: the only thing a failed sign-in ever puts in the URL. */
export function authErrorRedirect(code: AuthErrorCode, base: string): Response {
  return redirect(`/?auth_error=${encodeURIComponent(code)}`, base);
}

const STATUS: Record<SwFetchErrorCode, number> = {
  idp_request_refused: 403,
  config_invalid: 503,
  session_reconnecting: 503,
  api_redirect_refused: 502,
};

export function jsonError(code: SwFetchErrorCode, message: string): Response {
  const body: SwFetchError = { code, message };
  return new Response(JSON.stringify(body), {
    status: STATUS[code],
    headers: { ...BASE_HEADERS, 'Content-Type': 'application/json' },
  });
}

export { BASE_HEADERS };
