/**
 * `/login?returnTo=/path[&mode=silent|top-silent]`: starts Authorization Code + PKCE (STANDARDS
 * A1, A2) through oidc-client-ts's `createSigninRequest` and answers 302 to the IdP. The pending
 * state goes to memory and IndexedDB (signin-state.ts) so a SW stopped while the user is at the
 * IdP can still finish; the `state` sent carries a commitment to that entry, so a rewritten one
 * is refused at the callback.
 */
import type { Ctx } from '../context.ts';
import { ConfigError } from '../config.ts';
import { randomToken } from '../random.ts';
import { safeReturnTo } from '../return-to.ts';
import { commitment, stateParam, type SigninData, type SigninMode } from '../signin-state.ts';
import { authErrorRedirect, redirect } from '../responses.ts';

function modeOf(q: URLSearchParams): SigninMode {
  // `mode` alone decides; a page-supplied `prompt` is never forwarded as such.
  const m = q.get('mode');
  return m === 'silent' || m === 'top-silent' ? m : 'interactive';
}

export async function handleLogin(request: Request, ctx: Pick<Ctx, 'origin' | 'oidc' | 'session' | 'recovery'>): Promise<Response> {
  const url = new URL(request.url);
  if (request.method !== 'GET') return authErrorRedirect('bad_callback', ctx.origin);
  const mode = modeOf(url.searchParams);
  const data: SigninData = { returnTo: safeReturnTo(url.searchParams.get('returnTo')), mode };
  let oidc;
  try {
    oidc = await ctx.oidc();
  } catch (e) {
    if (e instanceof ConfigError) return authErrorRedirect('config_invalid', ctx.origin);
    if (mode === 'silent') ctx.recovery.silentFailed(false);
    return authErrorRedirect('idp_unreachable', ctx.origin);
  }
  const signin = await oidc.client.createSigninRequest({
    state: data,
    // OIDC Core §3.1.2.1: the library sends no nonce unless given one.
    nonce: randomToken(),
    ...(mode === 'interactive' ? {} : { prompt: 'none' }),
  });
  const location = new URL(signin.url);
  location.searchParams.set('state', stateParam(signin.state.id, await commitment(signin.state)));
  if (mode === 'interactive') ctx.session.signingIn();
  if (mode === 'top-silent') ctx.recovery.topLevelStarted();
  return redirect(location.href, ctx.origin);
}
