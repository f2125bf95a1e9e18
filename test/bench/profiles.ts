/**
 * The browser profiles the API-call rows compare, all at the app origin (the API's CORS allows
 * exactly one origin), each its own storage partition, so each has at most one SW:
 * - ours: the app with its SW, signed in through the IdP's login form; a quiet bench page in the
 *   same profile is controlled by our SW;
 * - no SW: no SW registered; its page sets the bearer itself;
 * - floor: the least a SW can do (floor.ts);
 * - AxaFrance: its SW and page client (axa.ts), set up separately because it may fail alone.
 * The no-SW page and the floor use one token from a code flow driven over HTTP: same IdP, client,
 * user, scopes, audience and lifetime as the token our SW holds.
 */
import type { StackOrigins } from '../stack/ports.ts';
import { BENCH_PAGE_PATH, type BenchRoutes } from './bench-routes.ts';
import type { Cdp } from './cdp.ts';
import { BenchError } from './errors.ts';
import { setUpFloor } from './floor.ts';
import { newContext, openPage, waitFor, type Page } from './page.ts';
import { signInThroughApp, waitControlled } from './sign-in.ts';

export interface Profiles {
  readonly ctxA: string;
  readonly app: Page;
  readonly controlled: Page;
  readonly ctxB: string;
  readonly plain: Page;
  readonly ctxF: string;
  readonly floor: Page;
  readonly swTargets: number;
  /** Whether every timing page is cross-origin isolated (5 us timers; else 100 us). */
  readonly isolated: boolean;
}

export async function openReady(cdp: Cdp, url: string, ctx: string): Promise<Page> {
  const page = await openPage(cdp, url, ctx);
  await waitFor(page, `document.readyState === 'complete' && location.href === ${JSON.stringify(url)}`, `${url} to load`);
  return page;
}

/** The whole point of the raw CDP client: nothing may be attached to any service worker. */
export async function assertSwUnattached(cdp: Cdp): Promise<number> {
  const { targetInfos } = await cdp.send<{ targetInfos: { type: string; attached: boolean; url: string }[] }>('Target.getTargets');
  const sws = targetInfos.filter((t) => t.type === 'service_worker');
  const attached = sws.find((t) => t.attached);
  if (attached) throw new BenchError('SW_DEBUGGER_ATTACHED', `a DevTools session is attached to ${attached.url}`);
  return sws.length;
}

export async function setUpProfiles(
  cdp: Cdp,
  o: StackOrigins,
  routes: BenchRoutes,
  accessToken: string,
  step: (m: string) => void,
): Promise<Profiles> {
  const ctxA = await newContext(cdp);
  const app = await openPage(cdp, `${o.appOrigin}/`, ctxA);
  step('signing in through the app');
  await signInThroughApp(app, o);
  const controlled = await openReady(cdp, `${o.appOrigin}${BENCH_PAGE_PATH}`, ctxA);
  await waitControlled(controlled);
  const ctxB = await newContext(cdp);
  const plain = await openReady(cdp, `${o.appOrigin}${BENCH_PAGE_PATH}`, ctxB);
  if (await plain.evaluate<boolean>('navigator.serviceWorker.controller !== null')) {
    throw new BenchError('UNEXPECTED_CONTROL', 'the baseline page is controlled by a SW');
  }
  step('registering the floor SW');
  const floor = await setUpFloor(cdp, routes, o.appOrigin, o.apiOrigin, accessToken);
  let isolated = true;
  for (const page of [controlled, plain, floor.page]) isolated &&= await page.evaluate<boolean>('self.crossOriginIsolated === true');
  return { ctxA, app, controlled, ctxB, plain, ctxF: floor.ctx, floor: floor.page, swTargets: await assertSwUnattached(cdp), isolated };
}

export async function disposeContexts(cdp: Cdp, ids: readonly string[]): Promise<void> {
  for (const id of ids) await cdp.send('Target.disposeBrowserContext', { browserContextId: id }).catch(() => undefined);
}
