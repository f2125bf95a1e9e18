import { enableDebugLogging } from './log.ts';
import { TodoApiError } from './todo-api.ts';

/**
 * Reads the Todo API base URL from the same `/config.json` the SW validates (issue 3 item 7).
 * The page only needs where to send requests; the SW decides whether they get a token, so a
 * tampered value here can at worst send token-less requests elsewhere.
 */
export async function loadApiBase(fetchImpl: typeof fetch = (i, init) => fetch(i, init)): Promise<string> {
  let json: unknown;
  try {
    const res = await fetchImpl('/config.json', { cache: 'no-store', credentials: 'same-origin' });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    json = await res.json();
  } catch (cause) {
    throw new TodoApiError('config', 'could not load /config.json', { cause });
  }
  if ((json as { debug?: unknown } | null)?.debug === true) enableDebugLogging();
  const apis = (json as { apis?: unknown } | null)?.apis;
  const first: unknown = Array.isArray(apis) ? apis[0] : undefined;
  if (typeof first !== 'object' || first === null) throw new TodoApiError('config', '/config.json names no API');
  const { origin, pathPrefix } = first as { origin?: unknown; pathPrefix?: unknown };
  if (typeof origin !== 'string' || (pathPrefix !== undefined && typeof pathPrefix !== 'string')) {
    throw new TodoApiError('config', '/config.json has a malformed API entry');
  }
  return (origin + (pathPrefix ?? '')).replace(/\/+$/, '');
}

/** Loads once; a failure is retried on the next call (the Retry button), not cached. */
export function cachedApiBase(load: () => Promise<string> = () => loadApiBase()): () => Promise<string> {
  let pending: Promise<string> | undefined;
  return () => {
    pending ??= load().catch((e: unknown) => {
      pending = undefined;
      throw e;
    });
    return pending;
  };
}
