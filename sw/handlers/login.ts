/**
 * `/login?returnTo=/path[&prompt=none&mode=silent|top-silent]`: starts Authorization Code + PKCE
 * (STANDARDS A1, A2) and answers 302 to the IdP. Pending state goes to IndexedDB so a SW stopped
 * while the user is at the IdP can still finish.
 */
import type { Ctx } from '../context.ts';
import { authorizationUrl, randomToken, s256 } from '../oidc.ts';
import { safeReturnTo, type SigninMode } from '../pending-store.ts';
import { authErrorRedirect, redirect } from '../responses.ts';

function modeOf(q: URLSearchParams): SigninMode {
  // `mode` alone decides; a page-supplied `prompt` is never forwarded as such.
  const m = q.get('mode');
  return m === 'silent' || m === 'top-silent' ? m : 'interactive';
}

export async function handleLogin(request: Request, ctx: Ctx): Promise<Response> {
  const url = new URL(request.url);
  if (request.method !== 'GET') return authErrorRedirect('bad_callback', ctx.origin);
  const mode = modeOf(url.searchParams);
  const returnTo = safeReturnTo(url.searchParams.get('returnTo'));
  let config;
  try {
    config = await ctx.config();
  } catch {
    return authErrorRedirect('config_invalid', ctx.origin);
  }
  let discovery;
  try {
    discovery = await ctx.discovery();
  } catch {
    if (mode === 'silent') ctx.recovery.silentFailed(false);
    return authErrorRedirect('idp_unreachable', ctx.origin);
  }
  const state = randomToken();
  const nonce = randomToken();
  const codeVerifier = randomToken();
  await ctx.pending.put({
    state,
    nonce,
    codeVerifier,
    returnTo,
    createdAt: ctx.now(),
    mode,
    issuer: config.issuer,
    clientId: config.clientId,
    redirectUri: config.redirectUri,
  });
  if (mode === 'interactive') ctx.session.signingIn();
  if (mode === 'top-silent') ctx.recovery.topLevelStarted();
  const location = authorizationUrl(discovery, config, {
    state,
    nonce,
    codeChallenge: await s256(codeVerifier),
    ...(mode === 'interactive' ? {} : { prompt: 'none' as const }),
  });
  return redirect(location, ctx.origin);
}
