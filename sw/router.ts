/** Owned requests to their handlers. Each handler answers a Response for a navigation. */
import type { Ctx } from './context.ts';
import { handleCallback } from './handlers/callback.ts';
import { handleCrossOrigin } from './handlers/idp-guard.ts';
import { handleLogin } from './handlers/login.ts';
import { handleLogout } from './handlers/logout.ts';
import { handleSilentDone } from './handlers/silent-done.ts';
import { SW_ROUTES, type OwnedKind } from './owns.ts';
import { htmlPage } from './html.ts';
import { errorSummary, logger } from './log.ts';

const log = logger('router');

export async function handle(request: Request, kind: OwnedKind, ctx: Ctx): Promise<Response> {
  if (kind === 'cross-origin-script') return handleCrossOrigin(request, ctx);
  try {
    switch (new URL(request.url).pathname) {
      case SW_ROUTES.login:
        return await handleLogin(request, ctx);
      case SW_ROUTES.callback:
        return await handleCallback(request, ctx);
      case SW_ROUTES.logout:
        return await handleLogout(request, ctx);
      case SW_ROUTES.silentDone:
        return await handleSilentDone(request, ctx);
    }
  } catch (e) {
    // A navigation must always get a page; the cause goes to the (opt-in) debug log.
    log.debug('handler failed', { error: errorSummary(e) });
  }
  return htmlPage({
    title: 'Error',
    body: '<main><h1>Something went wrong</h1><p><a href="/">Back to Todos</a></p></main>',
    config: undefined,
    frameAncestors: "'none'",
    status: 500,
  });
}
