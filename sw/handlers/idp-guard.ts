/**
 * Cross-origin script requests that are not API calls. Every one aimed at the IdP is refused
 * (STANDARDS A9): its issuer's origin and the origins discovery puts its token, revocation and
 * introspection endpoints on (finding 3: they need not be the issuer's), matching origins, not
 * endpoint URLs, so `?x`, a trailing slash or a changed case cannot slip past. The rest goes to
 * the network untouched, without a token.
 */
import type { Ctx } from '../context.ts';
import { matchApi } from '../allow-list.ts';
import type { Discovery } from '../oidc.ts';
import { errorSummary, logger } from '../log.ts';
import { jsonError } from '../responses.ts';
import { after, type Timer } from '../timers.ts';
import { handleApi } from './api.ts';

type GuardCtx = Pick<Ctx, 'config' | 'oidc'> & Parameters<typeof handleApi>[1];

/** Before this instance has discovery, a request to another origin waits this long for it. */
const DISCOVERY_WAIT_MS = 3_000;

const log = logger('idp-guard');

export function idpOrigins(issuer: string, d: Discovery | undefined): Set<string> {
  const origins = new Set([new URL(issuer).origin]);
  for (const e of [d?.token_endpoint, d?.revocation_endpoint, d?.introspection_endpoint]) if (e) origins.add(new URL(e).origin);
  return origins;
}

async function discoveryWithin(ctx: Pick<Ctx, 'oidc'>, ms: number): Promise<Discovery | undefined> {
  let timer: Timer | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = after(ms, () => resolve(undefined));
  });
  try {
    // An IdP that is down takes its token endpoint with it: only the issuer's origin is refused then.
    return await Promise.race([
      ctx.oidc().then(
        (o) => o.discovery,
        () => undefined,
      ),
      timeout,
    ]);
  } finally {
    timer?.cancel();
  }
}

export async function handleCrossOrigin(request: Request, ctx: GuardCtx): Promise<Response> {
  let config;
  try {
    config = await ctx.config();
  } catch (e) {
    // Without config no session exists (nothing to add or protect) and nothing tells the IdP or
    // the API from any other site: the request goes as the page made it.
    log.debug('no config: passed through', { error: errorSummary(e) });
    return ctx.fetch(request);
  }
  const url = new URL(request.url);
  const refuse = () => jsonError('idp_request_refused', 'page scripts may not call the identity provider');
  // The IdP before the API, so no allow-list entry can open a path to a token endpoint. An API
  // call never waits for discovery here (the IdP may be down): what is already known counts.
  if (idpOrigins(config.issuer, await discoveryWithin(ctx, 0)).has(url.origin)) return refuse();
  // no-cors requests cannot carry Authorization legitimately and their responses are opaque.
  if (request.mode !== 'no-cors' && request.mode !== 'navigate' && matchApi(url, config.apis)) {
    return handleApi(request, ctx);
  }
  if (idpOrigins(config.issuer, await discoveryWithin(ctx, DISCOVERY_WAIT_MS)).has(url.origin)) return refuse();
  return ctx.fetch(request);
}
