/**
 * `/logout?ticket=…` (STANDARDS A12): acts only with a one-time ticket the SW handed to a page
 * it controls; any other navigation (a link on another site: logout CSRF) gets a confirmation
 * page whose button carries a fresh ticket. Then: take the tokens out of memory and tell every
 * tab at once (session listener), revoke the refresh token (RFC 7009), and 302 to the IdP's
 * end-session endpoint with `id_token_hint` (or `client_id`), `post_logout_redirect_uri`, `state`.
 */
import type { Ctx } from '../context.ts';
import { htmlPage, escapeHtml } from '../html.ts';
import { endSessionUrl, randomToken, revokeRefreshToken } from '../oidc.ts';
import { redirect } from '../responses.ts';

/** Revocation is best effort: a slow IdP must not keep the user on a blank page. */
const REVOKE_TIMEOUT_MS = 5_000;

export async function handleLogout(request: Request, ctx: Ctx): Promise<Response> {
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
  if (!config) return redirect('/', ctx.origin);
  const discovery = await ctx.discovery().catch(() => undefined);
  if (!discovery) return redirect('/', ctx.origin);
  if (tokens?.refreshToken !== undefined) {
    await Promise.race([
      revokeRefreshToken(ctx.fetch, discovery, config, tokens.refreshToken),
      new Promise((resolve) => setTimeout(resolve, REVOKE_TIMEOUT_MS)),
    ]);
  }
  const end = endSessionUrl(discovery, config, tokens?.idToken, randomToken());
  return redirect(end ?? '/', ctx.origin);
}
