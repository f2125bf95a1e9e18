/**
 * Cross-origin script requests that are not API calls. Every one aimed at the IdP's origin is
 * refused (STANDARDS A9): matching the origin, not endpoint URLs, so `?x`, a trailing slash or a
 * changed case cannot slip past. The rest goes to the network untouched, without a token.
 */
import type { Ctx } from '../context.ts';
import { matchApi } from '../allow-list.ts';
import { jsonError } from '../responses.ts';
import { handleApi } from './api.ts';

export async function handleCrossOrigin(request: Request, ctx: Ctx): Promise<Response> {
  let config;
  try {
    config = await ctx.config();
  } catch {
    // Without config we cannot tell the IdP or the API from anything else: fail closed.
    return jsonError('config_invalid', 'the service worker has no valid configuration');
  }
  const url = new URL(request.url);
  if (url.origin === new URL(config.issuer).origin) {
    return jsonError('idp_request_refused', 'page scripts may not call the identity provider');
  }
  // no-cors requests cannot carry Authorization legitimately and their responses are opaque.
  if (request.mode !== 'no-cors' && request.mode !== 'navigate' && matchApi(url, config.apis)) {
    return handleApi(request, ctx);
  }
  return ctx.fetch(request);
}
