/**
 * `/callback`, the redirect URI. Query response mode only (STANDARDS A2). Order matters: the RFC
 * 9207 `iss` is checked before oidc-client-ts's `processSigninResponse` may make a token request
 * (A3); that call takes the one-time state from our verified store (A2, signin-state.ts) and
 * exchanges the code; the ID token it returns is then verified with jose (A4). Every answer is a
 * redirect with an explicit fragment, so a code never stays in, or is carried into, a
 * page-readable URL. A code whose state the SW did not issue is dropped unused.
 */
import type { Ctx } from '../context.ts';
import { ConfigError } from '../config.ts';
import { allowedAlgorithms, verifyIdToken } from '../id-token.ts';
import { logger, errorSummary } from '../log.ts';
import { signinErrorCode, tokenResponse, type Oidc } from '../oidc.ts';
import type { AuthErrorCode } from '../protocol.ts';
import { SW_ROUTES } from '../owns.ts';
import { authErrorRedirect, redirect } from '../responses.ts';
import { parseStateParam, PendingError, type SigninMode, type VerifiedSignin } from '../signin-state.ts';
import type { Tokens } from '../session.ts';
import { tokensFrom } from '../tokens.ts';
import { generationId } from './login.ts';

type CallbackCtx = Pick<Ctx, 'origin' | 'instanceId' | 'oidc' | 'keys' | 'session' | 'recovery' | 'now' | 'discard' | 'dpop'>;
type Outcome =
  | { readonly ok: true; readonly signin: VerifiedSignin; readonly tokens: Tokens }
  /** `again`: start this sign-in over at that path (the SW lost its DPoP key on the way). */
  | { readonly ok: false; readonly code: AuthErrorCode; readonly mode?: SigninMode; readonly again?: string };

const log = logger('callback');

/** A parameter that came more than once (a symbol: "duplicate" is also a string a parameter may hold). */
const DUPLICATE = Symbol('duplicate');

/** Each parameter at most once (RFC 6749 §3.1: "MUST NOT be included more than once"). */
function single(q: URLSearchParams, name: string): string | null | typeof DUPLICATE {
  const all = q.getAll(name);
  if (all.length > 1) return DUPLICATE;
  return all[0] ?? null;
}

export async function handleCallback(request: Request, ctx: CallbackCtx): Promise<Response> {
  const outcome = await complete(request, ctx);
  if (!outcome.ok) log.debug('sign-in refused', { code: outcome.code });
  return finish(ctx, outcome);
}

async function complete(request: Request, ctx: CallbackCtx): Promise<Outcome> {
  // A POST is form_post response mode: refused without reading the body.
  if (request.method !== 'GET') return { ok: false, code: 'bad_callback' };
  const q = new URL(request.url).searchParams;
  const p: Record<'state' | 'code' | 'iss' | 'error', string | null> = { state: null, code: null, iss: null, error: null };
  for (const n of ['state', 'code', 'iss', 'error'] as const) {
    const v = single(q, n);
    if (v === DUPLICATE) return { ok: false, code: 'bad_callback' };
    p[n] = v;
  }
  // A fragment-mode response reaches us with an empty query (fragments never reach the SW).
  if (p.code === null && p.error === null) return { ok: false, code: 'bad_callback' };
  if (p.state === null) return { ok: false, code: 'state_mismatch' };
  const { id, commitment } = parseStateParam(p.state);

  let oidc: Oidc;
  try {
    oidc = await ctx.oidc();
  } catch (e) {
    return { ok: false, code: e instanceof ConfigError && e.code === 'config_invalid' ? 'config_invalid' : 'idp_unreachable' };
  }
  // RFC 9207 §2.4: compare exactly; a missing iss is only tolerated when not advertised.
  const issOk = p.iss !== null ? p.iss === oidc.config.issuer : oidc.discovery.authorization_response_iss_parameter_supported !== true;
  if (!issOk || (p.error === null && p.code === '')) {
    // The state is spent all the same: a code that arrived with it is never exchanged later.
    await oidc.store.remove(id);
    const spent = oidc.store.outcome(id);
    const mode = spent instanceof PendingError ? undefined : spent?.data.mode;
    return { ok: false, code: issOk ? 'bad_callback' : 'issuer_mismatch', ...(mode ? { mode } : {}) };
  }

  oidc.store.expect(id, commitment);
  const key = ctx.dpop.take(id);
  if (oidc.config.dpop === true && key === undefined) return keyLost(oidc, id);
  let response;
  try {
    response = await oidc.client.processSigninResponseWithProof(request.url, ctx.dpop.tokenEndpointProof(key, oidc.discovery.token_endpoint));
  } catch (e) {
    const signin = oidc.store.outcome(id);
    if (signin === undefined || signin instanceof PendingError) return { ok: false, code: 'state_mismatch' };
    log.debug('sign-in failed after the state was accepted', { error: errorSummary(e) });
    return { ok: false, code: signinErrorCode(e), mode: signin.data.mode };
  }
  const signin = oidc.store.outcome(id);
  if (signin === undefined || signin instanceof PendingError) return { ok: false, code: 'state_mismatch' };
  const fail = (code: AuthErrorCode): Outcome => ({ ok: false, code, mode: signin.data.mode });

  const tokens = tokenResponse(response, key !== undefined);
  if (tokens === null) return fail('token_exchange_failed');
  if (tokens.id_token === undefined) return fail('id_token_invalid');
  let profile;
  try {
    ({ profile } = await verifyIdToken(tokens.id_token, await ctx.keys(), {
      issuer: oidc.config.issuer,
      clientId: oidc.config.clientId,
      algorithms: allowedAlgorithms(oidc.discovery.id_token_signing_alg_values_supported),
      nonce: signin.nonce,
      now: ctx.now,
    }));
  } catch (e) {
    log.debug('ID token refused', { error: errorSummary(e) });
    return fail('id_token_invalid');
  }
  return { ok: true, signin, tokens: tokensFrom(tokens, { now: ctx.now(), profile, requestedScope: oidc.config.scope, dpopKey: key }) };
}

/**
 * The code is bound to a DPoP key (`dpop_jkt`) that a SW stopped while the user was at the IdP
 * took with it: no proof can redeem it. An interactive sign-in starts over once (the IdP session
 * makes that quick); a silent one counts as a failed attempt and is retried by recovery.
 */
async function keyLost(oidc: Oidc, id: string): Promise<Outcome> {
  await oidc.store.remove(id);
  const spent = oidc.store.outcome(id);
  if (spent === undefined || spent instanceof PendingError) return { ok: false, code: 'state_mismatch' };
  const { mode, returnTo, again } = spent.data;
  if (mode !== 'interactive') return { ok: false, code: 'idp_unreachable', mode };
  if (again) return { ok: false, code: 'token_exchange_failed', mode };
  return { ok: false, code: 'token_exchange_failed', mode, again: `/login?again=1&returnTo=${encodeURIComponent(returnTo)}` };
}

/**
 * Who may use a new sign-in's tokens. An interactive one is the user's intent: it replaces any
 * session, and another user's tokens are revoked (finding 2: `/login` itself changed nothing).
 * A silent one answers a recovery: only the generation that started it may take it (or a
 * restarted SW still recovering); a late answer, after a sign-out or another sign-in, is
 * dropped and revoked (finding 1).
 */
function apply(ctx: CallbackCtx, signin: VerifiedSignin, tokens: Tokens): void {
  const { session } = ctx;
  const previous = session.tokens();
  const gen = signin.data.gen;
  const recovering = session.state.kind === 'recovering';
  // Another instance's attempt (the SW restarted meanwhile) is fine while this one still recovers.
  const ours = gen === undefined || gen === generationId(ctx) || !gen.startsWith(`${ctx.instanceId}:`);
  if (signin.data.mode !== 'interactive' && !(recovering && ours)) return ctx.discard(tokens);
  if (signin.data.mode !== 'interactive' && session.user()?.sub === tokens.profile.sub) {
    session.resumed(session.generation, tokens, 'recovering');
    return;
  }
  session.started(tokens);
  if (previous && previous.profile.sub !== tokens.profile.sub) ctx.discard(previous);
}

function finish(ctx: CallbackCtx, outcome: Outcome): Response {
  const mode = outcome.ok ? outcome.signin.data.mode : outcome.mode;
  if (outcome.ok) apply(ctx, outcome.signin, outcome.tokens);
  else if (mode === 'silent' || mode === 'top-silent') ctx.recovery.failed(mode, outcome.code);
  // The iframe ends on a SW-made page; the page learns the result from the SW, not the URL.
  if (mode === 'silent') return redirect(SW_ROUTES.silentDone, ctx.origin);
  if (outcome.ok) return redirect(outcome.signin.data.returnTo, ctx.origin);
  if (outcome.again !== undefined) return redirect(outcome.again, ctx.origin);
  // A failed sign-in leaves whatever session there was as it was.
  return authErrorRedirect(outcome.code, ctx.origin);
}
