/**
 * SW recovery: stop every service worker through the page's CDP session (the SW itself is never
 * attached), then time in the page from the first API call after the stop until a call succeeds.
 * The first call wakes a fresh SW with empty memory; it recovers the session by itself (silent
 * `prompt=none` in the app page's hidden iframe) and the call waits for that.
 */
import type { Cdp, Json } from './cdp.ts';
import { BenchError } from './errors.ts';
import type { Page } from './page.ts';
import { summarize, type Summary } from './stats.ts';

export interface RecoveryRun {
  /** ms from the first call after the stop to the first 200, in the page; null: never succeeded. */
  readonly ms: number | null;
  readonly attempts: number;
  readonly statuses: readonly (number | string)[];
}

export interface RecoveryReport {
  readonly runs: readonly RecoveryRun[];
  readonly summary: Summary;
}

interface Version {
  readonly versionId: string;
  readonly runningStatus: string;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
/** How long a page keeps calling before the run counts as not recovered. */
const GIVE_UP_MS = 15_000;

function untilSuccessScript(apiUrl: string): string {
  return `(async () => {
    const t0 = performance.now();
    const statuses = [];
    let attempts = 0;
    while (performance.now() - t0 < ${GIVE_UP_MS}) {
      attempts++;
      try {
        const res = await fetch(${JSON.stringify(apiUrl)});
        await res.arrayBuffer();
        statuses.push(res.status);
        if (res.status === 200) return { ms: performance.now() - t0, attempts, statuses };
      } catch (e) {
        statuses.push('error: ' + (e && e.message));
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    return { ms: null, attempts, statuses };
  })()`;
}

/** `afterRun` runs after every recovery (the bench checks there that nothing attached to the SW). */
export async function measureRecovery(
  cdp: Cdp,
  appPage: Page,
  apiUrl: string,
  runs: number,
  afterRun: () => Promise<unknown>,
): Promise<RecoveryReport> {
  const status = new Map<string, string>();
  const off = cdp.on('ServiceWorker.workerVersionUpdated', (params: Json, sessionId) => {
    if (sessionId !== appPage.sessionId) return;
    for (const v of (params['versions'] ?? []) as Version[]) status.set(v.versionId, v.runningStatus);
  });
  await cdp.send('ServiceWorker.enable', {}, appPage.sessionId);
  const out: RecoveryRun[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      // Let the previous recovery's iframe and the app's own follow-up calls settle.
      await sleep(500);
      await cdp.send('ServiceWorker.stopAllWorkers', {}, appPage.sessionId);
      const deadline = Date.now() + 10_000;
      while ([...status.values()].some((s) => s !== 'stopped')) {
        if (Date.now() > deadline) throw new BenchError('WAIT_TIMEOUT', 'the service worker did not report "stopped"');
        await sleep(10);
      }
      out.push(await appPage.evaluate<RecoveryRun>(untilSuccessScript(apiUrl)));
      await afterRun();
    }
  } finally {
    off();
    await cdp.send('ServiceWorker.disable', {}, appPage.sessionId).catch(() => undefined);
  }
  return { runs: out, summary: summarize(out.flatMap((r) => (r.ms === null ? [] : [r.ms]))) };
}
