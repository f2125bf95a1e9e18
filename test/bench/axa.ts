/**
 * AxaFrance's service worker side by side with ours: its `OidcServiceWorker.js` (served as the
 * package ships it) with an `OidcTrustedDomains.js` naming the local IdP and the Todo API, signed
 * in through its page client (peers/axa-app.ts, the bundle that is also sized), in a profile of
 * its own at the app origin (the API's CORS and the IdP's redirect URI allow exactly that one).
 *
 * The registered redirect URI is the app's `/callback`. A profile that has visited AxaFrance's
 * page carries a cookie (Path=/callback) and is served AxaFrance's page there; every other
 * profile gets the app as before.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runtimeConfig } from '../stack/app-plugin.ts';
import type { StackOrigins } from '../stack/ports.ts';
import { BENCH_PAGE_PATH, type BenchFile, type BenchRoutes } from './bench-routes.ts';
import type { Bundle } from './bundle.ts';
import type { Cdp } from './cdp.ts';
import { BenchError } from './errors.ts';
import { newContext, openPage, waitFor, type Page } from './page.ts';
import { submitIdpLogin } from './sign-in.ts';
import { ROOT } from './stack.ts';

export const AXA_HOME = '/__bench/axa/';
const AXA_SW = `${AXA_HOME}OidcServiceWorker.js`;
const MARKER_COOKIE = 'bench_client=axa';
export const AXA_SW_FILE = join(ROOT, 'node_modules/@axa-fr/oidc-client-service-worker/dist/OidcServiceWorker.js');

/**
 * The app's policy minus Trusted Types, which AxaFrance's worker cannot run under: it creates a
 * `default` policy so that `importScripts('OidcTrustedDomains.js')` passes, and our policy names
 * only `lit-html` and `sw-url`.
 */
function axaCsp(o: StackOrigins): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `connect-src 'self' ${o.issuer} ${o.apiOrigin}`,
    `frame-src 'self' ${o.issuer}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
    "form-action 'self'",
  ].join('; ');
}

function pageHtml(o: StackOrigins): string {
  const c = runtimeConfig(o);
  const meta = { issuer: c.issuer, 'client-id': c.clientId, scope: c.scope, 'sw-url': AXA_SW, home: AXA_HOME };
  const tags = Object.entries(meta)
    .map(([k, v]) => `<meta name="${k}" content="${v}">`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>AxaFrance oidc-client</title>${tags}<script type="module" src="${AXA_HOME}axa.js"></script></head><body></body></html>`;
}

export function serveAxa(routes: BenchRoutes, o: StackOrigins, app: Bundle): void {
  const csp = { 'Content-Security-Policy': axaCsp(o) };
  const js = (body: string, extra: Record<string, string> = {}): BenchFile => ({
    body,
    contentType: 'text/javascript; charset=utf-8',
    dropHeaders: ['Content-Security-Policy'],
    headers: { ...csp, ...extra },
  });
  const page: BenchFile = { body: pageHtml(o), contentType: 'text/html; charset=utf-8', dropHeaders: ['Content-Security-Policy'], headers: csp };
  routes.serve(AXA_HOME, { ...page, headers: { ...csp, 'Set-Cookie': `${MARKER_COOKIE}; Path=/callback; SameSite=Lax` } });
  routes.add({ match: (p, cookie) => p === '/callback' && cookie.split(/;\s*/).includes(MARKER_COOKIE), file: page });
  for (const f of app.files) routes.serve(`${AXA_HOME}${f.name}`, js(f.code));
  routes.serve(AXA_SW, js(readFileSync(AXA_SW_FILE, 'utf8'), { 'Service-Worker-Allowed': '/' }));
  const domains = { default: { oidcDomains: [o.issuer], accessTokenDomains: [o.apiOrigin] } };
  routes.serve(`${AXA_HOME}OidcTrustedDomains.js`, js(`const trustedDomains = ${JSON.stringify(domains)};\n`));
}

export interface AxaProfile {
  readonly ctx: string;
  /** AxaFrance's app page, signed in (kept open, as ours is). */
  readonly app: Page;
  /** The blank bench page, controlled by AxaFrance's worker. */
  readonly page: Page;
  readonly isolated: boolean;
}

const STATE = `((document.body && document.body.dataset.state) || '')`;

async function waitState(page: Page, want: string, what: string): Promise<void> {
  await waitFor(
    page,
    `location.pathname === ${JSON.stringify(AXA_HOME)} && (${STATE} === ${JSON.stringify(want)} || ${STATE}.startsWith('error'))`,
    what,
  );
  const state = await page.evaluate<string>(STATE);
  if (state !== want) throw new BenchError('SIGN_IN_FAILED', `AxaFrance's client: ${state}`);
}

export async function setUpAxa(cdp: Cdp, o: StackOrigins): Promise<AxaProfile> {
  const ctx = await newContext(cdp);
  const app = await openPage(cdp, `${o.appOrigin}${AXA_HOME}`, ctx);
  await waitState(app, 'signed-out', "AxaFrance's client to start");
  // loginAsync navigates away: do not wait for its promise.
  await app.evaluate('void window.benchAxa.login(), true');
  await submitIdpLogin(app, o);
  await waitState(app, 'signed-in', "AxaFrance's client to finish signing in");
  const page = await openPage(cdp, `${o.appOrigin}${BENCH_PAGE_PATH}`, ctx);
  await waitFor(page, 'navigator.serviceWorker.controller !== null', "AxaFrance's SW to control the bench page");
  const script = await page.evaluate<string>('navigator.serviceWorker.controller.scriptURL');
  if (new URL(script).pathname !== AXA_SW) throw new BenchError('NOT_CONTROLLED', `the AxaFrance page is controlled by ${script}`);
  return { ctx, app, page, isolated: await page.evaluate<boolean>('self.crossOriginIsolated === true') };
}
