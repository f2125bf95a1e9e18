import type { ApiEntry } from './config.ts';

/**
 * Whether `url` is on the bearer allow-list (STANDARDS A6): the parsed URL's origin must equal
 * an entry's origin exactly (scheme, host and port, so `:40011` is not `:4001` and
 * `localhost:4001.evil.test` is another host), it must carry no userinfo, and when the entry has
 * a `pathPrefix` the path must equal it or continue it after a `/` (`/api` matches `/api` and
 * `/api/x`, never `/apix`). Comparing parsed origins, never string prefixes, is the whole point.
 */
export function matchApi(url: string | URL, apis: readonly ApiEntry[]): ApiEntry | undefined {
  let u: URL;
  try {
    u = typeof url === 'string' ? new URL(url) : url;
  } catch {
    // What is not a URL is not on the allow-list.
    return undefined;
  }
  if (u.username !== '' || u.password !== '') return undefined;
  return apis.find((api) => u.origin === api.origin && pathMatches(u.pathname, api.pathPrefix));
}

function pathMatches(path: string, prefix: string | undefined): boolean {
  if (prefix === undefined || prefix === '/') return true;
  const p = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  return path === p || path.startsWith(p + '/');
}
