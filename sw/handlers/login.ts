/**
 * `/login?returnTo=/path[&mode=silent|top-silent]`: starts Authorization Code + PKCE (STANDARDS
 * A1, A2) through oidc-client-ts's `createSigninRequest` and answers 302 to the IdP. The pending
 * state goes to memory and IndexedDB (signin-state.ts) so a SW stopped while the user is at the
 * IdP can still finish; the `state` sent carries a commitment to that entry, so a rewritten one
 * is refused at the callback.
 *
 * It never changes the session: any site can navigate a tab here (finding 2), so a live session
 * stays until a new sign-in has succeeded (handlers/callback.ts decides what replaces what).
 */
import type { Ctx } from '../context.ts';
import { ConfigError } from '../config.ts';
import { createDpopKey } from '../dpop.ts';
import { logger } from '../log.ts';
import { randomToken } from '../random.ts';
import { safeReturnTo } from '../return-to.ts';
import { commitment, stateParam, type SigninData, type SigninMode } from '../signin-state.ts';
import { SW_ROUTES } from '../owns.ts';
import type { AuthErrorCode } from '../protocol.ts';
import { authErrorRedirect, redirect } from '../responses.ts';

type LoginCtx = Pick<Ctx, 'origin' | 'instanceId' | 'oidc' | 'session' | 'recovery' | 'deployment' | 'dpop'>;

const log = logger('login');

function modeOf(q: URLSearchParams): SigninMode {
  // `mode` alone decides; a page-supplied `prompt` is never forwarded as such.
  const m = q.get('mode');
  return m === 'silent' || m === 'top-silent' ? m : 'interactive';
}

/** Which session generation a silent attempt belongs to (its answer is dropped for any other). */
export function generationId(ctx: Pick<Ctx, 'instanceId' | 'session'>): string {
  return `${ctx.instanceId}:${ctx.session.generation}`;
}

export async function handleLogin(request: Request, ctx: LoginCtx): Promise<Response> {
  const url = new URL(request.url);
  if (request.method !== 'GET') return authErrorRedirect('bad_callback', ctx.origin);
  const mode = modeOf(url.searchParams);
  const silent = mode !== 'interactive';
  // The hidden iframe always ends on the SW's own page: the app's pages refuse to be framed.
  const refused = (code: AuthErrorCode) => (mode === 'silent' ? redirect(SW_ROUTES.silentDone, ctx.origin) : authErrorRedirect(code, ctx.origin));
  // A check that could not run (offline) blocks nothing: the IdP is out of reach then anyway.
  const problems = await ctx.deployment().catch(() => []);
  if (problems.length > 0) {
    log.debug('sign-in refused: the app is served without its security headers', { problems: problems.join(',') });
    if (silent) ctx.recovery.failed(mode, 'insecure_deployment');
    return refused('insecure_deployment');
  }
  let oidc;
  try {
    oidc = await ctx.oidc();
  } catch (e) {
    if (silent) ctx.recovery.unreachable();
    return refused(e instanceof ConfigError && e.code === 'config_invalid' ? 'config_invalid' : 'idp_unreachable');
  }
  const data: SigninData = {
    returnTo: safeReturnTo(url.searchParams.get('returnTo')),
    mode,
    ...(silent ? { gen: generationId(ctx) } : {}),
    // A second try after the SW lost the first one's DPoP key (callback.ts): never a third.
    ...(url.searchParams.get('again') === '1' ? { again: true } : {}),
  };
  // RFC 9449 §10: the code is bound to this key (`dpop_jkt`); the key stays in memory for the callback.
  const key = oidc.config.dpop === true ? await createDpopKey() : undefined;
  const s = ctx.session.state;
  // Some IdPs refuse prompt=none without a hint (OIDC Core §3.1.2.1): send it whenever we hold one.
  const hint = silent && s.kind === 'recovering' ? s.idToken : undefined;
  const signin = await oidc.client.createSigninRequest({
    state: data,
    // OIDC Core §3.1.2.1: the library sends no nonce unless given one.
    nonce: randomToken(),
    ...(silent ? { prompt: 'none' } : {}),
    ...(hint !== undefined ? { id_token_hint: hint } : {}),
    ...(key ? { dpopJkt: key.jkt } : {}),
  });
  if (key) ctx.dpop.remember(signin.state.id, key);
  const location = new URL(signin.url);
  location.searchParams.set('state', stateParam(signin.state.id, await commitment(signin.state)));
  if (mode === 'silent') ctx.recovery.silentStarted();
  if (mode === 'top-silent') ctx.recovery.topLevelStarted();
  return redirect(location.href, ctx.origin);
}
