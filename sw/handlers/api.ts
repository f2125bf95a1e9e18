/**
 * Token injection (STANDARDS A5, A6) for script requests on the API allow-list: the SW sets
 * `Authorization` (overwriting any page-set value): `Bearer`, or for DPoP-bound tokens `DPoP`
 * with a fresh proof (A11: `htm`, `htu`, `ath`, the API's nonce, retried once on
 * `use_dpop_nonce`). On a 401 with `error="invalid_token"` it refreshes once and replays once;
 * every attempt is sent from a clone of the untouched request, so bodies replay.
 *
 * Requests with a token never follow redirects (finding 5): the browser keeps a SW-set
 * `Authorization` header on a same-origin redirect, which could lead off the path prefix.
 */
import type { Ctx } from '../context.ts';
import { asksForNonce, dpopProof } from '../dpop.ts';
import { accessTokenForUse, type TokenForUse } from '../refresh.ts';
import { jsonError } from '../responses.ts';
import type { Tokens } from '../session.ts';

type ApiCtx = Pick<Ctx, 'session' | 'refresher' | 'recovery' | 'now' | 'fetch' | 'dpop'>;

/** How long an API call may wait for a refresh or a silent recovery before it is answered. */
export const API_WAIT_MS = 10_000;

async function authorized(request: Request, tokens: Tokens, nonce: string | undefined): Promise<Request> {
  const headers = new Headers(request.headers);
  const key = tokens.dpopKey;
  if (key === undefined) headers.set('Authorization', `Bearer ${tokens.accessToken}`);
  else {
    headers.set('Authorization', `DPoP ${tokens.accessToken}`);
    headers.set('DPoP', await dpopProof(key, { method: request.method, url: request.url, accessToken: tokens.accessToken, nonce }));
  }
  return new Request(request, { headers, redirect: 'manual' });
}

/** RFC 6750 §3 / RFC 9449 §7.1: `WWW-Authenticate: Bearer|DPoP …, error="invalid_token"`. */
export function isInvalidToken(res: Response): boolean {
  if (res.status !== 401) return false;
  const h = res.headers.get('WWW-Authenticate') ?? '';
  return /^\s*(Bearer|DPoP)\b/i.test(h) && /\berror\s*=\s*"?invalid_token"?/i.test(h);
}

/** One authorized attempt; with DPoP, the API's nonce is kept, and asked for once more if it wants a new one. */
async function send(ctx: ApiCtx, request: Request, tokens: Tokens): Promise<Response> {
  const { nonces } = ctx.dpop;
  const first = await ctx.fetch(await authorized(request.clone(), tokens, nonces.get(request.url)));
  if (tokens.dpopKey === undefined) return first;
  nonces.from(request.url, first);
  if (!asksForNonce(first)) return first;
  const second = await ctx.fetch(await authorized(request.clone(), tokens, nonces.get(request.url)));
  nonces.from(request.url, second);
  return second;
}

/** What the page gets for a redirect it did not ask to see, given how it asked (Fetch §4.4). */
function redirected(page: Request, res: Response): Response {
  if (res.type !== 'opaqueredirect' || page.redirect === 'manual') return res;
  if (page.redirect === 'error') return Response.error();
  return jsonError('api_redirect_refused', 'the API answered a redirect; requests with a token do not follow redirects');
}

const reconnecting = () => jsonError('session_reconnecting', 'the session is reconnecting; try again shortly');

/** A network failure rejects, exactly as the page's own fetch would (the page sees a TypeError). */
export async function handleApi(request: Request, ctx: ApiCtx): Promise<Response> {
  // A restarted SW with a session hint: start recovery now rather than send a tokenless call.
  await ctx.recovery.maybeStart(false);
  ctx.recovery.nudge();
  ctx.refresher.nudge();
  const use = await accessTokenForUse(ctx, API_WAIT_MS);
  if (use.kind === 'none') return ctx.fetch(request);
  if (use.kind === 'reconnecting') return reconnecting();
  const first = await send(ctx, request, use.tokens);
  if (!isInvalidToken(first)) return redirected(request, first);
  const next = await afterInvalidToken(ctx, use);
  if (next.kind === 'reconnecting') return reconnecting();
  if (next.kind === 'none' || next.token === use.token) return first;
  return redirected(request, await send(ctx, request, next.tokens));
}

/**
 * The API refused `used`. At most one refresh per access token, and none for a token that a
 * refresh on a 401 made (finding 6): N calls to an endpoint that always answers 401 cost one
 * refresh, not N. Someone else may already have refreshed while this request was in flight.
 */
async function afterInvalidToken(ctx: ApiCtx, used: Extract<TokenForUse, { kind: 'token' }>): Promise<TokenForUse> {
  const current = ctx.session.tokens();
  if (current?.accessToken === used.token) {
    if (used.tokens.fromInvalidTokenRetry === true) return { kind: 'none' };
    const outcome = await ctx.refresher.refresh({ afterInvalidToken: true });
    if (outcome === 'postponed' || outcome === 'recovering') return { kind: 'reconnecting' };
  }
  return accessTokenForUse(ctx, API_WAIT_MS);
}
