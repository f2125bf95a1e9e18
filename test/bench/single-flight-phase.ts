/**
 * Row 4's phase: the IdP restarted with a very short access-token life, the token endpoint held
 * from the moment the code exchange is read, a signed-in profile with two tabs, and a burst of
 * concurrent API calls after expiry. Runs last: it restarts the IdP.
 */
import type { Cdp } from './cdp.ts';
import { BENCH_PAGE_PATH } from './bench-routes.ts';
import { attempt, type Outcome } from './outcome.ts';
import { newContext, openPage, type Page } from './page.ts';
import { assertSwUnattached, disposeContexts, openReady } from './profiles.ts';
import { signInThroughApp, waitControlled } from './sign-in.ts';
import { measureSingleFlight, type SingleFlightReport } from './single-flight.ts';
import type { Stack } from './stack.ts';
import type { TokenTap } from './token-tap.ts';

export interface SingleFlightPhase {
  readonly outcome: Outcome<SingleFlightReport & { readonly appPageText: string }>;
  /** Token-endpoint requests during the phase (times in ms since `t0`). */
  readonly tokenRequests: readonly Record<string, unknown>[];
}

export async function runSingleFlight(
  cdp: Cdp,
  stack: Stack,
  tap: TokenTap,
  s: { ttlS: number; calls: number; t0: number },
): Promise<SingleFlightPhase> {
  const o = stack.origins;
  const from = tap.records.length;
  const outcome = await attempt(async () => {
    await stack.restartIdp(s.ttlS);
    // Armed before sign-in: it starts holding as soon as the code exchange is read (token-tap.ts).
    const hold = tap.holdAfterCodeExchange();
    const ctx = await newContext(cdp);
    try {
      const app = await openPage(cdp, `${o.appOrigin}/`, ctx);
      await signInThroughApp(app, o, {
        confirmed: () => tap.records.slice(from).some((r) => r.grantType === 'authorization_code' && r.status === 200),
      });
      // Two tabs: every tab shares the one SW and so must share the one refresh.
      const tabs: Page[] = [];
      for (let i = 0; i < 2; i++) {
        const tab = await openReady(cdp, `${o.appOrigin}${BENCH_PAGE_PATH}`, ctx);
        await waitControlled(tab);
        tabs.push(tab);
      }
      await assertSwUnattached(cdp);
      const report = await measureSingleFlight(tabs, tap, hold, { apiUrl: `${o.apiOrigin}/todos`, ttlS: s.ttlS, calls: s.calls, recordsFrom: from });
      // Evidence for the report: what the app page shows by then.
      const appPageText = await app.evaluate<string>('document.body.innerText.replace(/\\s+/g, " ").slice(0, 200)');
      return { ...report, appPageText };
    } finally {
      hold.release();
      await disposeContexts(cdp, [ctx]);
    }
  });
  const ms = (t: number | undefined) => (t === undefined ? null : t - s.t0);
  const tokenRequests = tap.records.slice(from).map((r) => ({
    arrivedMs: ms(r.arrivedAt),
    handledMs: ms(r.handledAt),
    answeredMs: ms(r.answeredAt),
    held: r.held,
    grantType: r.grantType ?? null,
    status: r.status ?? null,
  }));
  return { outcome, tokenRequests };
}
