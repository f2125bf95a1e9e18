/**
 * The floor of this pattern: the least a service worker can do to put a bearer on an API call,
 * so `ours / floor` says how much of our per-call cost is ours and how much any SW that calls
 * `respondWith` pays in Chromium. Built by the bench for each run: the token is a real one,
 * issued by the same IdP to the same client, user, scopes, audience and lifetime as our SW's.
 */
import type { Cdp } from './cdp.ts';
import { BENCH_PAGE_PATH, type BenchRoutes } from './bench-routes.ts';
import { BenchError } from './errors.ts';
import { newContext, openPage, waitFor, type Page } from './page.ts';

/** Under the scope `/__bench/`, so it controls the blank bench page and nothing of the app. */
export const FLOOR_SW_PATH = '/__bench/floor-sw.js';

/** The whole worker. Nothing but the one condition and the one `respondWith`. */
export function floorSwSource(apiOrigin: string, accessToken: string): string {
  return `const API = ${JSON.stringify(`${apiOrigin}/`)};
const AUTHORIZATION = ${JSON.stringify(`Bearer ${accessToken}`)};
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.url.startsWith(API)) event.respondWith(fetch(new Request(req, { headers: { Authorization: AUTHORIZATION } })));
});
`;
}

export interface FloorProfile {
  readonly ctx: string;
  readonly page: Page;
}

/** A fresh profile whose blank bench page is controlled by the floor SW. */
export async function setUpFloor(cdp: Cdp, routes: BenchRoutes, appOrigin: string, apiOrigin: string, accessToken: string): Promise<FloorProfile> {
  routes.serve(FLOOR_SW_PATH, { body: floorSwSource(apiOrigin, accessToken), contentType: 'text/javascript; charset=utf-8' });
  const ctx = await newContext(cdp);
  const page = await openPage(cdp, `${appOrigin}${BENCH_PAGE_PATH}`, ctx);
  await waitFor(page, `document.readyState === 'complete'`, 'the floor profile blank page');
  // The app's CSP (Trusted Types) covers this page too: register through a policy it allows.
  await page.evaluate(`(async () => {
    const policy = trustedTypes.createPolicy('sw-url', { createScriptURL: (u) => u });
    await navigator.serviceWorker.register(policy.createScriptURL(${JSON.stringify(FLOOR_SW_PATH)}), { scope: '/__bench/' });
  })()`);
  await waitFor(page, 'navigator.serviceWorker.controller !== null', 'the floor SW to control the bench page');
  const script = await page.evaluate<string>('navigator.serviceWorker.controller.scriptURL');
  if (new URL(script).pathname !== FLOOR_SW_PATH) throw new BenchError('NOT_CONTROLLED', `the floor page is controlled by ${script}`);
  return { ctx, page };
}
