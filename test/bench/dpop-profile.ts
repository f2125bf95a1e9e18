/**
 * Row 2d's side: our app with `dpop: true`, on the second stack (IdP with DPoP required, so
 * every token it issues to the SPA is bound to the SW's key, and the API refuses a bound token
 * without a valid proof). Signed in through the app's own flow in a profile of its own, like
 * ours; its quiet bench page is controlled by that SW. Every 200 the timing loop gets is
 * therefore a call that carried a fresh proof the API checked: a DPoP side can never quietly
 * measure a bearer call.
 */
import type { StackOrigins } from '../stack/ports.ts';
import { BENCH_PAGE_PATH } from './bench-routes.ts';
import type { Cdp } from './cdp.ts';
import { BenchError } from './errors.ts';
import { newContext, openPage, type Page } from './page.ts';
import { openReady } from './profiles.ts';
import { signInThroughApp, waitControlled } from './sign-in.ts';
import { SEED_TODOS } from './stack.ts';

export interface DpopProfile {
  readonly ctx: string;
  /** The app page, signed in, kept open so the app's heartbeat keeps the SW (and its key) alive. */
  readonly app: Page;
  /** The blank bench page, controlled by our SW with DPoP on. */
  readonly page: Page;
  /** The URL the timing loop calls: the second stack's `GET /todos`. */
  readonly apiTodos: string;
  readonly isolated: boolean;
}

/**
 * Creates SEED_TODOS through the page, so the SW signs them too: Node holds no key the API
 * would take, and the answers must be as long as the bearer sides' (same 5 todos).
 */
async function seedThroughPage(page: Page, apiTodos: string): Promise<void> {
  const statuses = await page.evaluate<number[]>(`(async () => {
    const out = [];
    for (const title of ${JSON.stringify(SEED_TODOS)}) {
      const res = await fetch(${JSON.stringify(apiTodos)}, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ title }),
      });
      out.push(res.status);
    }
    return out;
  })()`);
  const bad = statuses.find((s) => s !== 201);
  if (bad !== undefined) throw new BenchError('API_CALL_FAILED', `seeding todos on the DPoP stack: POST /todos answered ${bad}`);
}

export async function setUpDpop(cdp: Cdp, o: StackOrigins): Promise<DpopProfile> {
  const ctx = await newContext(cdp);
  const app = await openPage(cdp, `${o.appOrigin}/`, ctx);
  await signInThroughApp(app, o);
  const page = await openReady(cdp, `${o.appOrigin}${BENCH_PAGE_PATH}`, ctx);
  await waitControlled(page);
  const apiTodos = `${o.apiOrigin}/todos`;
  await seedThroughPage(page, apiTodos);
  return { ctx, app, page, apiTodos, isolated: await page.evaluate<boolean>('self.crossOriginIsolated === true') };
}
