/**
 * `/logout?ticket=…` (STANDARDS A12): acts only with a one-time ticket the SW handed to a page
 * it controls; any other navigation (a link on another site: logout CSRF) gets a confirmation
 * page whose button carries a fresh ticket. Then: take the tokens out of memory and tell every
 * tab at once (session listener), revoke the refresh token (RFC 7009, oidc-client-ts's
 * `revokeToken`), and 302 to the IdP's end-session endpoint (`createSignoutRequest`) with
 * `id_token_hint` (or `client_id`), `post_logout_redirect_uri` and `state`.
 */
import type { Ctx } from '../context.ts';
import { htmlPage, escapeHtml } from '../html.ts';
import { errorSummary, logger } from '../log.ts';
import { redirect } from '../responses.ts';

/** Revocation is best effort: a slow IdP must not keep the user on a blank page. */
const REVOKE_TIMEOUT_MS = 5_000;

const log = logger('logout');

export async function handleLogout(request: Request, ctx: Pick<Ctx, 'origin' | 'config' | 'oidc' | 'session' | 'tickets'>): Promise<Response> {
  // Without config the confirmation page still works, under the strictest CSP (no IdP origins).
  const config = await ctx.config().catch(() => undefined);
  const ticket = new URL(request.url).searchParams.get('ticket');
  if (request.method !== 'GET' || !ctx.tickets.consume(ticket)) {
    return htmlPage({
      title: 'Sign out?',
      config,
      frameAncestors: "'none'",
      body: `<main><h1>Sign out?</h1><p>Another page asked to sign you out of Todos.</p>
<form method="get" action="/logout"><input type="hidden" name="ticket" value="${escapeHtml(ctx.tickets.issue())}">
<button type="submit">Sign out</button> <a href="/">Stay signed in</a></form></main>`,
    });
  }
  const tokens = ctx.session.tokens();
  ctx.session.signedOut('signed-out');
  const oidc = await ctx.oidc().catch((e: unknown) => {
    log.debug('signed out locally; the IdP is unreachable', { error: errorSummary(e) });
    return undefined;
  });
  if (!oidc) return redirect('/', ctx.origin);
  if (tokens?.refreshToken !== undefined && oidc.discovery.revocation_endpoint !== undefined) {
    const revoked = oidc.client.revokeToken(tokens.refreshToken, 'refresh_token').catch((e: unknown) => {
      log.debug('revocation failed', { error: errorSummary(e) });
    });
    await Promise.race([revoked, new Promise((resolve) => setTimeout(resolve, REVOKE_TIMEOUT_MS))]);
  }
  if (oidc.discovery.end_session_endpoint === undefined) return redirect('/', ctx.origin);
  // A `state` data value makes the library add `state` (RP-Initiated Logout §2); nothing is resumed from it.
  const end = await oidc.client.createSignoutRequest({
    state: { signedOutAt: Date.now() },
    ...(tokens?.idToken !== undefined ? { id_token_hint: tokens.idToken } : {}),
  });
  return redirect(end.url, ctx.origin);
}
