/**
 * Refresh single-flight on an expired access token, as the e2e test does it (test/e2e/refresh.test.ts):
 * the IdP's token endpoint is held from the sign-in's code exchange on, so whatever the SW tries
 * early (its proactive timer fires at half a 2 s lifetime) cannot renew the token. We wait past
 * expiry, fire the calls from two tabs sharing the SW, release once a token request is waiting at
 * the IdP, and count the grants the IdP handled from expiry to the last answer.
 *
 * Without the hold the proactive timer keeps the token fresh and the burst never meets an
 * expired token (an earlier version of this bench reported "0 refreshes" as a pass that way).
 */
import { BenchError } from './errors.ts';
import type { Page } from './page.ts';
import type { TokenHold, TokenRequestRecord, TokenTap } from './token-tap.ts';

export interface SingleFlightReport {
  readonly accessTokenTtlS: number;
  readonly concurrentCalls: number;
  readonly tabs: number;
  /**
   * Whether the access token the SW held had certainly expired when the burst started: the last
   * grant the IdP answered before the burst was answered at least the token lifetime earlier
   * (its `exp` is at most answer time + lifetime).
   */
  readonly expiredAtBurst: boolean;
  /** ms from the last token's latest possible expiry to the burst (negative: not expired). */
  readonly burstAfterExpiryMs: number;
  /** `refresh_token` grants the IdP handled between expiry and the last answer. */
  readonly refreshGrants: number;
  /** Any other grants handled in that window (a silent re-login would show here). */
  readonly otherGrants: number;
  /** The IdP's answers to the refresh grants in the window. */
  readonly refreshStatuses: readonly (number | null)[];
  /** Grants the IdP handled after the sign-in and before expiry (should be none: held). */
  readonly grantsBeforeExpiry: number;
  /** ms from expiry to the arrival of the first held token request (negative: it arrived before expiry, the SW's proactive timer). */
  readonly heldRequestArrivedMs: number | null;
  /** How long the token endpoint held requests after the burst started. */
  readonly heldAfterBurstMs: number;
  readonly burstMs: number;
  /** Answer status -> count ("error" for a rejected fetch; a 401 carries its RFC 6750 error). */
  readonly statuses: Readonly<Record<string, number>>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Beyond the latest possible `exp`, for the SW's own clock reading (it stamps expiry on receipt). */
const EXPIRY_MARGIN_MS = 1_000;
/**
 * After the refresh request is waiting at the IdP, let every call of the burst reach the SW and
 * queue behind it (the e2e test waits the same). Far below the SW's 10 s API wait (sw/handlers/api.ts).
 */
const SETTLE_MS = 1_000;
/** How long a token request may take to reach the IdP after the burst; under the SW's API wait. */
const ARRIVAL_TIMEOUT_MS = 7_000;

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

function merge(counts: readonly Record<string, number>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of counts) for (const [k, n] of Object.entries(c)) out[k] = (out[k] ?? 0) + n;
  return out;
}

async function waitForHeldRequest(hold: TokenHold): Promise<void> {
  const deadline = Date.now() + ARRIVAL_TIMEOUT_MS;
  while (hold.waiting() === 0) {
    if (Date.now() > deadline) {
      throw new BenchError('WAIT_TIMEOUT', `no token request reached the held IdP within ${ARRIVAL_TIMEOUT_MS} ms of the burst`);
    }
    await sleep(20);
  }
}

const handledIn = (r: TokenRequestRecord, from: number, to: number) => r.handledAt !== undefined && r.handledAt >= from && r.handledAt <= to;

/**
 * `records` are the token requests of this phase, the sign-in's code exchange first; `hold` was
 * armed before that sign-in. Releases the hold whatever happens.
 */
export async function measureSingleFlight(
  pages: readonly Page[],
  tap: TokenTap,
  hold: TokenHold,
  o: { apiUrl: string; ttlS: number; calls: number; recordsFrom: number },
): Promise<SingleFlightReport> {
  try {
    const phase = () => tap.records.slice(o.recordsFrom);
    const codeExchange = phase().find((r) => r.grantType === 'authorization_code' && r.status === 200 && r.answeredAt !== undefined);
    if (!codeExchange?.answeredAt) throw new BenchError('SIGN_IN_FAILED', 'no answered code exchange at the IdP');
    const ttlMs = o.ttlS * 1000;
    const expiresBy = codeExchange.answeredAt + ttlMs;
    await sleep(Math.max(0, expiresBy + EXPIRY_MARGIN_MS - Date.now()));

    const start = Date.now();
    // The token the SW holds now comes from the last grant answered before the burst.
    const lastGrant = phase()
      .filter((r) => r.status === 200 && r.answeredAt !== undefined && r.answeredAt <= start)
      .reduce((a, b) => (b.answeredAt! > a.answeredAt! ? b : a), codeExchange);
    const tokenExpiresBy = lastGrant.answeredAt! + ttlMs;

    const per = Math.ceil(o.calls / pages.length);
    const shares = pages.map((_, i) => Math.max(0, Math.min(per, o.calls - i * per)));
    const bursts = Promise.all(pages.map((p, i) => p.evaluate<Record<string, number>>(burstScript(o.apiUrl, shares[i]!))));
    // Settle the promise now so a failure while we wait is not an unhandled rejection.
    const answered = bursts.then(
      (v) => ({ ok: true as const, v, at: Date.now() }),
      (err: unknown) => ({ ok: false as const, err }),
    );
    const expiredAtBurst = start >= tokenExpiresBy;
    // Not expired means the hold failed: nothing waits at the IdP, and the row reports it as an error.
    if (expiredAtBurst) {
      await waitForHeldRequest(hold);
      await sleep(SETTLE_MS);
    }
    const releasedAt = Date.now();
    hold.release();
    const a = await answered;
    if (!a.ok) throw a.err;
    const end = a.at;
    // The released refresh's answer may still be finishing as the last call comes back.
    await sleep(200);

    const records = phase();
    const inWindow = records.filter((r) => handledIn(r, tokenExpiresBy, end));
    const refreshes = inWindow.filter((r) => r.grantType === 'refresh_token');
    const firstHeld = records.find((r) => r.held);
    return {
      accessTokenTtlS: o.ttlS,
      concurrentCalls: o.calls,
      tabs: pages.length,
      expiredAtBurst,
      burstAfterExpiryMs: start - tokenExpiresBy,
      refreshGrants: refreshes.length,
      otherGrants: inWindow.length - refreshes.length,
      refreshStatuses: refreshes.map((r) => r.status ?? null),
      grantsBeforeExpiry: records.filter((r) => r !== codeExchange && handledIn(r, codeExchange.answeredAt!, tokenExpiresBy - 1)).length,
      heldRequestArrivedMs: firstHeld ? firstHeld.arrivedAt - tokenExpiresBy : null,
      heldAfterBurstMs: releasedAt - start,
      burstMs: end - start,
      statuses: merge(a.v),
    };
  } finally {
    hold.release();
  }
}
