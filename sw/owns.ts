/**
 * Which requests the SW answers, as one table with two readings that must agree:
 * - `routerRules()`: the Service Worker Static Routing API rules registered in `install`, so
 *   requests the SW does not own go to the network without waking it;
 * - `owns()`: the synchronous decision the `fetch` listener makes on browsers without that API
 *   (`respondWith` must be called while the event is dispatched, before any await, and after a
 *   restart the config may not be loaded yet, so it only uses what is known at start).
 * test/unit/owns.test.ts evaluates both over the same requests.
 *
 * Owned:
 * - navigations to the SW's own routes on its own origin;
 * - app navigations and precached shell files, served from the verified shell (sw/precache.ts);
 * - cross-origin requests made by scripts (`destination === ''`): `fetch()`/XHR. The handler
 *   then decides (API -> bearer, IdP -> refused, anything else -> passed through untouched).
 * Everything else (other same-origin files, subresources, other navigations) is not owned.
 */
import type { SwRoutes } from './protocol.ts';

export const SW_ROUTES = {
  login: '/login',
  callback: '/callback',
  logout: '/logout',
  /** The SW-made page the silent iframe ends on (frameable by the app only, no script). */
  silentDone: '/silent-done',
} as const satisfies SwRoutes;

/** Navigations that load the app itself (index.html). */
export const APP_ROUTES: readonly string[] = ['/', '/index.html'];

export type OwnedKind = 'navigation' | 'shell' | 'cross-origin-script';

/** The fields of a `Request` the decision reads (a plain object in unit tests). */
export type RequestFacts = Pick<Request, 'url' | 'mode' | 'destination'>;

export interface RouteTable {
  /** Navigations the SW's handlers answer. */
  readonly swRoutes: readonly string[];
  /** Navigations answered with the shell's index.html; empty when nothing is precached (dev). */
  readonly appRoutes: readonly string[];
  /** Same-origin paths of the precached shell files. */
  readonly shellFiles: readonly string[];
}

export function routeTable(shellFiles: readonly string[]): RouteTable {
  return {
    swRoutes: Object.values(SW_ROUTES),
    appRoutes: shellFiles.includes('/index.html') ? APP_ROUTES : [],
    shellFiles,
  };
}

/**
 * `crossOrigin`: once the config is known, the origins cross-origin script requests are owned
 * for (the IdP's and the allow-list's: sw/create-context.ts); before that, all of them, since an
 * API call the SW misses goes out without its token.
 */
export function owns(request: RequestFacts, swOrigin: string, table: RouteTable, crossOrigin?: ReadonlySet<string>): OwnedKind | null {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    // Not a URL we could parse is not one of ours: the browser handles it as usual.
    return null;
  }
  if (url.origin === swOrigin) {
    const navigate = request.mode === 'navigate';
    if (navigate && table.swRoutes.includes(url.pathname)) return 'navigation';
    if ((navigate && table.appRoutes.includes(url.pathname)) || table.shellFiles.includes(url.pathname)) return 'shell';
    return null;
  }
  if (request.mode === 'navigate' || request.destination !== '') return null;
  return crossOrigin === undefined || crossOrigin.has(url.origin) ? 'cross-origin-script' : null;
}

/** The subset of the Static Routing API's `RouterCondition` used here (lib.dom has no types yet). */
export interface RouterCondition {
  readonly urlPattern?: string;
  readonly requestMode?: RequestMode;
  readonly requestDestination?: RequestDestination;
  readonly or?: readonly RouterCondition[];
  readonly not?: RouterCondition;
}

export interface RouterRule {
  readonly condition: RouterCondition;
  readonly source: 'network' | 'fetch-event';
}

/** URLPattern syntax characters, escaped so a path is matched literally (no regexp groups). */
const escapePattern = (path: string): string => path.replace(/[\\:*(){}+?]/g, (c) => `\\${c}`);

/**
 * The rules, first match wins. A string pattern is resolved against the SW script's URL, so it
 * matches the SW's own origin only, with any query (`/login?returnTo=…`). Chromium 156 rejects
 * `or`/`not` beside other keys and empty conditions, so "cross-origin and script" is the request
 * that falls through every rule (no rule matched: the fetch handler runs). Cross-origin
 * navigations have a `document`/`iframe` destination and take the last rule.
 */
export function routerRules(table: RouteTable): RouterRule[] {
  const navigation = (path: string): RouterCondition => ({ requestMode: 'navigate', urlPattern: escapePattern(path) });
  return [
    {
      condition: {
        or: [
          ...table.swRoutes.map(navigation),
          ...table.appRoutes.map(navigation),
          ...table.shellFiles.map((p) => ({ urlPattern: escapePattern(p) })),
        ],
      },
      source: 'fetch-event',
    },
    { condition: { urlPattern: '/*' }, source: 'network' },
    { condition: { not: { requestDestination: '' } }, source: 'network' },
  ];
}
