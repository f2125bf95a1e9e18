/**
 * What an attacker holds: a real authorization code for the attacker's own account (bob),
 * obtained over plain HTTP with the attacker's own state, nonce and PKCE pair.
 */
import { CookieJar, authorizeRequest, callbackParams, startAuthorization, submitLogin, type AuthorizeRequest } from '../../stack/flow.ts';
import type { StackOrigins } from '../../stack/ports.ts';

export interface AttackerCode {
  readonly req: AuthorizeRequest;
  readonly code: string;
  /** The full callback URL the IdP sent the attacker's browser to. */
  readonly callbackUrl: URL;
}

export async function attackerCode(o: StackOrigins, params: Record<string, string> = {}): Promise<AttackerCode> {
  const jar = new CookieJar();
  const req = authorizeRequest(o.issuer, o.appOrigin, params);
  let landing = await startAuthorization(req.url, jar);
  if (!landing.leftIdp) landing = await submitLogin(landing, jar, 'bob', 'bob-password');
  const code = callbackParams(landing.url).code;
  if (!landing.leftIdp || code === undefined) throw new Error(`attacker flow did not yield a code (${landing.url.href})`);
  return { req, code, callbackUrl: landing.url };
}
