/**
 * The page the silent-recovery iframe ends on: SW-made, no script, frameable by the app's own
 * origin only. The hosting page learns the result from the SW (`recovery-result`), not from here.
 */
import type { Ctx } from '../context.ts';
import { htmlPage } from '../html.ts';

export async function handleSilentDone(_request: Request, ctx: Pick<Ctx, 'config'>): Promise<Response> {
  // Without config the page still ends the iframe, under the strictest CSP.
  const config = await ctx.config().catch(() => undefined);
  return htmlPage({ title: 'Signing in', body: '<p>Signing in…</p>', config, frameAncestors: "'self'" });
}
