/**
 * `/callback`, the redirect URI. Query response mode only (STANDARDS A2). Order matters: the
 * one-time `state` and the RFC 9207 `iss` are checked before any token request (A2, A3), the ID
 * token is verified with jose (A4), and every answer is a redirect with an explicit fragment, so
 * a code never stays in, or is carried into, a page-readable URL. A code whose state the SW did
 * not issue is dropped unused.
 */
import type { Ctx } from '../context.ts';
import { allowedAlgorithms, verifyIdToken } from '../id-token.ts';
import { tokenRequest } from '../oidc.ts';
import { checkPending, type PendingSignin } from '../pending-store.ts';
import type { AuthErrorCode } from '../protocol.ts';
import { SW_ROUTES } from '../owns.ts';
import { authErrorRedirect, redirect } from '../responses.ts';
import { tokensFrom } from '../tokens.ts';

/** RFC 6749 §4.1.2.1 / OIDC Core §3.1.2.6 errors, mapped to our fixed table. */
function mapIdpError(error: string): AuthErrorCode {
  switch (error) {
    case 'access_denied':
      return 'access_denied';
    case 'login_required':
      return 'login_required';
    case 'interaction_required':
    case 'consent_required':
    case 'account_selection_required':
      return 'interaction_required';
    default:
      return 'idp_error';
  }
}

type Outcome = { readonly ok: true } | { readonly ok: false; readonly code: AuthErrorCode };

/** Each parameter at most once (RFC 6749 §3.1: "MUST NOT be included more than once"). */
function single(q: URLSearchParams, name: string): string | null | 'duplicate' {
  const all = q.getAll(name);
  if (all.length > 1) return 'duplicate';
  return all[0] ?? null;
}

export async function handleCallback(request: Request, ctx: Ctx): Promise<Response> {
  const fail = (code: AuthErrorCode): Response => {
    ctx.session.signInFailed();
    return authErrorRedirect(code, ctx.origin);
  };
  // A POST is form_post response mode: refused without reading the body.
  if (request.method !== 'GET') return fail('bad_callback');
  const q = new URL(request.url).searchParams;
  const names = ['state', 'code', 'iss', 'error'] as const;
  const p: Record<(typeof names)[number], string | null> = { state: null, code: null, iss: null, error: null };
  for (const n of names) {
    const v = single(q, n);
    if (v === 'duplicate') return fail('bad_callback');
    p[n] = v;
  }
  // A fragment-mode response reaches us with an empty query (fragments never reach the SW).
  if (p.code === null && p.error === null) return fail('bad_callback');
  if (p.state === null) return fail('state_mismatch');

  let config;
  try {
    config = await ctx.config();
  } catch {
    return fail('config_invalid');
  }
  let pending: PendingSignin;
  try {
    pending = checkPending(await ctx.pending.take(p.state), p.state, config, ctx.now());
  } catch {
    return fail('state_mismatch');
  }
  const outcome = await complete(ctx, pending, p as { code: string | null; iss: string | null; error: string | null });
  return finish(ctx, pending, outcome);
}

async function complete(ctx: Ctx, pending: PendingSignin, p: { code: string | null; iss: string | null; error: string | null }): Promise<Outcome> {
  const config = await ctx.config();
  let discovery;
  try {
    discovery = await ctx.discovery();
  } catch {
    return { ok: false, code: 'idp_unreachable' };
  }
  // RFC 9207 §2.4: compare exactly; a missing iss is only tolerated when not advertised.
  if (p.iss !== null ? p.iss !== config.issuer : discovery.authorization_response_iss_parameter_supported === true) {
    return { ok: false, code: 'issuer_mismatch' };
  }
  if (p.error !== null) return { ok: false, code: mapIdpError(p.error) };
  if (p.code === null || p.code === '') return { ok: false, code: 'bad_callback' };

  const result = await tokenRequest(ctx.fetch, discovery, config, {
    grant_type: 'authorization_code',
    code: p.code,
    redirect_uri: config.redirectUri,
    code_verifier: pending.codeVerifier,
  });
  if (!result.ok) return { ok: false, code: result.kind === 'network' ? 'idp_unreachable' : 'token_exchange_failed' };
  if (result.tokens.id_token === undefined) return { ok: false, code: 'id_token_invalid' };
  let profile;
  try {
    ({ profile } = await verifyIdToken(result.tokens.id_token, await ctx.keys(), {
      issuer: config.issuer,
      clientId: config.clientId,
      algorithms: allowedAlgorithms(discovery.id_token_signing_alg_values_supported),
      nonce: pending.nonce,
      now: ctx.now,
    }));
  } catch {
    return { ok: false, code: 'id_token_invalid' };
  }
  ctx.session.signedIn(tokensFrom(result.tokens, { now: ctx.now(), profile, requestedScope: config.scope }));
  return { ok: true };
}

function finish(ctx: Ctx, pending: PendingSignin, outcome: Outcome): Response {
  if (pending.mode === 'silent') {
    if (!outcome.ok) {
      const needsInteraction = outcome.code === 'login_required' || outcome.code === 'interaction_required';
      ctx.recovery.silentFailed(needsInteraction);
    }
    // The iframe ends on a SW-made page; the page learns the result from the SW, not the URL.
    return redirect(SW_ROUTES.silentDone, ctx.origin);
  }
  if (outcome.ok) return redirect(pending.returnTo, ctx.origin);
  if (pending.mode === 'top-silent') {
    // Only a login_required from the top-level attempt means the IdP session is gone.
    // (Also when the SW restarted during the round trip and holds nothing.)
    if (!ctx.session.tokens()) {
      ctx.session.signedOut(outcome.code === 'login_required' ? 'session-expired' : 'recovery-failed');
    }
    return authErrorRedirect(outcome.code, ctx.origin);
  }
  ctx.session.signInFailed();
  return authErrorRedirect(outcome.code, ctx.origin);
}
