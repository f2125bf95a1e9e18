/**
 * Whether the IdP can be reached, asked before anything is spent on it (issue 9): a refresh
 * token may only be sent when the request has a chance, because once sent without an answer it
 * is unusable. The browser's `onLine` first (no request while it says offline), then a cheap GET
 * of the discovery document, revalidated (`no-cache`: a 304 costs a few bytes).
 */
import type { Connection } from './protocol.ts';

/** A probe that hangs this long counts as "not answering". */
const PROBE_TIMEOUT_MS = 5_000;

export interface Connectivity {
  /** `ok`, or why not. */
  check(): Promise<Connection>;
}

export function connectivity(d: {
  readonly issuer: () => Promise<string>;
  readonly fetch: typeof fetch;
  readonly online: () => boolean;
}): Connectivity {
  return {
    async check() {
      if (!d.online()) return 'offline';
      try {
        const issuer = await d.issuer();
        const res = await d.fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`, {
          cache: 'no-cache',
          credentials: 'omit',
          signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
        });
        return res.ok ? 'ok' : 'idp-unreachable';
      } catch {
        // A network error or the timeout: exactly what this question is about.
        return d.online() ? 'idp-unreachable' : 'offline';
      }
    },
  };
}

/**
 * Retry delays while the IdP or the network is down. Short, because the session must be back
 * within 2 s of the outage ending (issue 9), and cheap: each retry is one revalidated GET. Only
 * a SW kept alive by an open page retries at all.
 */
const MAX_RETRY_DELAY_MS = 1_500;
export const RETRY_DELAYS_MS = [500, 1_000, MAX_RETRY_DELAY_MS] as const;

export function retryDelay(attempt: number): number {
  return RETRY_DELAYS_MS[attempt] ?? MAX_RETRY_DELAY_MS;
}
