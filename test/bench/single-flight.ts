/**
 * Refresh single-flight: after the access token expired, 50 concurrent API calls from a
 * controlled page; the IdP's token endpoint should see one `grant_type=refresh_token` request.
 * Background refreshes (the SW's proactive timer) are counted separately so a storm is visible.
 */
import type { Page } from './page.ts';
import type { TokenTap } from './token-tap.ts';

export interface SingleFlightReport {
  readonly accessTokenTtlS: number;
  readonly concurrentCalls: number;
  /** Refresh grants at the IdP between the first call leaving and the last answer. */
  readonly refreshesDuringBurst: number;
  /** Refresh grants while waiting for expiry (before the burst). */
  readonly refreshesWhileWaiting: number;
  readonly waitedMs: number;
  readonly burstMs: number;
  /** Answer status -> count ("error" for a rejected fetch; a 401 carries its RFC 6750 error). */
  readonly statuses: Readonly<Record<string, number>>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function burstScript(apiUrl: string, n: number): string {
  return `(async () => {
    const one = () => fetch(${JSON.stringify(apiUrl)}).then(
      async (res) => {
        await res.arrayBuffer();
        if (res.status !== 401) return String(res.status);
        // RFC 6750 §3: no error attribute means the request carried no token at all.
        const h = res.headers.get('WWW-Authenticate') || '';
        const m = /error="([^"]+)"/.exec(h);
        return '401 ' + (m ? m[1] : 'no-token');
      },
      () => 'error',
    );
    const all = await Promise.all(Array.from({ length: ${n} }, one));
    const counts = {};
    for (const s of all) counts[s] = (counts[s] || 0) + 1;
    return counts;
  })()`;
}

export async function measureSingleFlight(
  page: Page,
  tap: TokenTap,
  o: { apiUrl: string; ttlS: number; calls: number; signedInAt: number },
): Promise<SingleFlightReport> {
  // Past the access token's expiry with a margin for clock granularity (exp is whole seconds).
  const expiresBy = o.signedInAt + o.ttlS * 1000 + 1_000;
  await sleep(Math.max(0, expiresBy - Date.now()));
  const start = Date.now();
  const statuses = await page.evaluate<Record<string, number>>(burstScript(o.apiUrl, o.calls));
  const end = Date.now();
  // A refresh's request may still be arriving as the last answer comes back: let it land.
  await sleep(200);
  return {
    accessTokenTtlS: o.ttlS,
    concurrentCalls: o.calls,
    refreshesDuringBurst: tap.refreshesBetween(start, end),
    refreshesWhileWaiting: tap.refreshesBetween(o.signedInAt, start - 1),
    waitedMs: start - o.signedInAt,
    burstMs: end - start,
    statuses,
  };
}
