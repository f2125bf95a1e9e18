/**
 * The synchronous decision the `fetch` listener makes before anything else: `respondWith` must
 * be called while the event is dispatched, and after a restart the config may not be loaded yet,
 * so this only uses what is known at start. Owned:
 * - navigations to the SW's own routes on its own origin;
 * - cross-origin requests made by scripts (`destination === ''`): `fetch()`/XHR. The handler
 *   then decides (API -> bearer, IdP -> refused, anything else -> passed through untouched).
 * Everything else (static assets, subresources, other navigations) never gets `respondWith`.
 */
export const SW_ROUTES = {
  login: '/login',
  callback: '/callback',
  logout: '/logout',
  /** The SW-made page the silent iframe ends on (frameable by the app only, no script). */
  silentDone: '/silent-done',
} as const;

const NAVIGATION_PATHS: ReadonlySet<string> = new Set(Object.values(SW_ROUTES));

export type OwnedKind = 'navigation' | 'cross-origin-script';

/** The fields of a `Request` the decision reads (a plain object in unit tests). */
export interface RequestFacts {
  readonly url: string;
  readonly mode: RequestMode;
  readonly destination: RequestDestination;
}

export function owns(request: RequestFacts, swOrigin: string): OwnedKind | null {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    // Not a URL we could parse is not one of ours: the browser handles it as usual.
    return null;
  }
  if (url.origin === swOrigin) {
    return request.mode === 'navigate' && NAVIGATION_PATHS.has(url.pathname) ? 'navigation' : null;
  }
  if (request.mode === 'navigate') return null;
  return request.destination === '' ? 'cross-origin-script' : null;
}
