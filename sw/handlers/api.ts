/**
 * Bearer injection (STANDARDS A5, A6) for script requests on the API allow-list: the SW sets
 * `Authorization` (overwriting any page-set value). On a 401 with `error="invalid_token"` it
 * refreshes once and replays once, from a clone made before the first send so bodies replay.
 */
import type { Ctx } from '../context.ts';
import { accessTokenForUse } from '../refresh.ts';

/** How long an API call may wait for a refresh or a silent recovery before going out as is. */
export const API_WAIT_MS = 10_000;

function withBearer(request: Request, token: string): Request {
  const headers = new Headers(request.headers);
  headers.set('Authorization', `Bearer ${token}`);
  return new Request(request, { headers });
}

/** RFC 6750 §3: `WWW-Authenticate: Bearer …, error="invalid_token"`. */
export function isInvalidToken(res: Response): boolean {
  if (res.status !== 401) return false;
  const h = res.headers.get('WWW-Authenticate') ?? '';
  return /^\s*Bearer\b/i.test(h) && /\berror\s*=\s*"?invalid_token"?/i.test(h);
}

/** A network failure rejects, exactly as the page's own fetch would (the page sees a TypeError). */
export async function handleApi(request: Request, ctx: Ctx): Promise<Response> {
  // A restarted SW with a session hint: start recovery now rather than send a tokenless call.
  if (ctx.session.state.kind === 'signed-out' && (await ctx.recovery.maybeStart(false))) ctx.recovery.announce();
  const token = await accessTokenForUse(ctx, API_WAIT_MS);
  if (token === undefined) return ctx.fetch(request);
  const replay = request.clone();
  const first = await ctx.fetch(withBearer(request, token));
  if (!isInvalidToken(first)) return first;
  // Someone else may already have refreshed while this request was in flight.
  if (ctx.session.tokens()?.accessToken === token) await ctx.refresher.refresh();
  const next = await accessTokenForUse(ctx, API_WAIT_MS);
  if (next === undefined || next === token) return first;
  return ctx.fetch(withBearer(replay, next));
}
