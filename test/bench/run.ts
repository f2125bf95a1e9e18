/**
 * `npm run bench`: measures the project against its targets in one run and prints a table;
 * writes the details to bench/results/latest.json. A missed target never fails the process (this
 * is a report). An error that blocks a measurement is shown in its row, the other measurements
 * still run, and the process exits 1.
 *
 * Tunables (env): BENCH_SAMPLES (400 per side), BENCH_BATCH (20), BENCH_RECOVERY_RUNS (5),
 * BENCH_REFRESH_TTL (access-token lifetime for the single-flight run, seconds, default 2),
 * BENCH_CALLS (50).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHROME_ARGS, requireChrome } from '../find-chrome.ts';
import { signIn } from '../stack/flow.ts';
import type { StackOrigins } from '../stack/ports.ts';
import { launchChromium, type Cdp } from './cdp.ts';
import { BenchError } from './errors.ts';
import { attempt, type Outcome } from './outcome.ts';
import { newContext, openPage, waitFor, type Page } from './page.ts';
import { measureRecovery } from './recovery.ts';
import { formatTable, type TargetRow } from './report.ts';
import { apiRow, recoveryRow, singleFlightRow, sizeRows, unownedRow } from './rows.ts';
import { DEMO, signInThroughApp, waitControlled } from './sign-in.ts';
import { measureSingleFlight } from './single-flight.ts';
import { measureSizes } from './sizes.ts';
import { BENCH_PAGE_PATH, buildApp, ROOT, startStack } from './stack.ts';
import { round } from './stats.ts';
import { compareInterleaved } from './timed-fetch.ts';
import { tapTokenEndpoint, type TokenTap } from './token-tap.ts';

function intEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return n;
}

const SAMPLES = intEnv('BENCH_SAMPLES', 400);
const BATCH = intEnv('BENCH_BATCH', 20);
const RECOVERY_RUNS = intEnv('BENCH_RECOVERY_RUNS', 5);
const REFRESH_TTL_S = intEnv('BENCH_REFRESH_TTL', 2);
const CALLS = intEnv('BENCH_CALLS', 50);
/** Long enough that no refresh happens while overhead and recovery are measured. */
const LONG_TTL_S = 300;

const t0 = Date.now();
const step = (msg: string) => console.error(`[bench ${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}`);

async function openReady(cdp: Cdp, url: string, ctx: string): Promise<Page> {
  const page = await openPage(cdp, url, ctx);
  await waitFor(page, `document.readyState === 'complete' && location.href === ${JSON.stringify(url)}`, `${url} to load`);
  return page;
}

/** The whole point of the raw CDP client: nothing may be attached to the service worker. */
async function assertSwUnattached(cdp: Cdp): Promise<number> {
  const { targetInfos } = await cdp.send<{ targetInfos: { type: string; attached: boolean; url: string }[] }>('Target.getTargets');
  const sws = targetInfos.filter((t) => t.type === 'service_worker');
  const attached = sws.find((t) => t.attached);
  if (attached) throw new BenchError('SW_DEBUGGER_ATTACHED', `a DevTools session is attached to ${attached.url}`);
  return sws.length;
}

function gitRev(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

interface ProfileA {
  readonly ctxA: string;
  readonly ctxB: string;
  readonly app: Page;
  readonly controlled: Page;
  readonly plain: Page;
  readonly accessToken: string;
  readonly swTargets: number;
}

/**
 * Profile A: the app with its SW, signed in through the IdP's login form; a quiet bench page in
 * the same profile is controlled. Profile B: same origin and server, but no SW registered in
 * that profile, so its page is uncontrolled and sets the bearer itself, with a token from a
 * code flow driven over HTTP. (Another port would be another origin, which the API's
 * exact-origin CORS refuses; unregistering the SW in profile A would lose its session.)
 */
async function setUpProfiles(cdp: Cdp, o: StackOrigins): Promise<ProfileA> {
  const ctxA = await newContext(cdp);
  const app = await openPage(cdp, `${o.appOrigin}/`, ctxA);
  step('signing in through the app');
  await signInThroughApp(app, o);
  const controlled = await openReady(cdp, `${o.appOrigin}${BENCH_PAGE_PATH}`, ctxA);
  await waitControlled(controlled);
  const ctxB = await newContext(cdp);
  const plain = await openReady(cdp, `${o.appOrigin}${BENCH_PAGE_PATH}`, ctxB);
  if (await plain.evaluate<boolean>('navigator.serviceWorker.controller !== null')) {
    throw new BenchError('UNEXPECTED_CONTROL', 'the baseline page is controlled by a SW');
  }
  const { tokens } = await signIn({ issuer: o.issuer, appOrigin: o.appOrigin, username: DEMO.username, password: DEMO.password });
  return { ctxA, ctxB, app, controlled, plain, accessToken: tokens.access_token, swTargets: await assertSwUnattached(cdp) };
}

const skipped = <T>(because: Outcome<unknown>): Outcome<T> =>
  because.ok ? { ok: false, code: 'UNEXPECTED', message: 'skipped' } : { ...because, message: `set-up failed: ${because.message}` };

async function main(): Promise<boolean> {
  const closers: (() => Promise<unknown>)[] = [];
  const cleanup = async () => {
    for (const c of closers.reverse()) await c().catch(() => undefined);
    closers.length = 0;
  };
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
  try {
    const chrome = requireChrome();
    step('building the app (vite build)');
    const distDir = await buildApp();
    closers.push(async () => rmSync(distDir, { recursive: true, force: true }));
    const sizes = await attempt(() => measureSizes(distDir));

    step('starting IdP, API and app (vite preview)');
    const stack = await startStack(distDir, LONG_TTL_S);
    closers.push(() => stack.close());
    const o = stack.origins;
    const apiTodos = `${o.apiOrigin}/todos`;
    const discovery = (await (await fetch(`${o.issuer}/.well-known/openid-configuration`)).json()) as { token_endpoint: string };
    const tap: TokenTap = tapTokenEndpoint(o.idpPort, new URL(discovery.token_endpoint).pathname);
    closers.push(async () => tap.stop());

    step('launching Chromium (raw CDP pipe, page targets only)');
    const cdp = launchChromium(chrome, CHROME_ARGS);
    closers.push(() => cdp.close());
    const browser = await cdp.send<{ product: string }>('Browser.getVersion');

    const setup = await attempt(() => setUpProfiles(cdp, o));
    let api: Outcome<Awaited<ReturnType<typeof compareInterleaved>>> = skipped(setup);
    let unowned: typeof api = skipped(setup);
    let recovery: Outcome<Awaited<ReturnType<typeof measureRecovery>>> = skipped(setup);
    if (setup.ok) {
      const p = setup.value;
      const opts = { samples: SAMPLES, batch: BATCH, warmup: BATCH };
      step(`API-call overhead: ${SAMPLES} calls per side, batches of ${BATCH}`);
      api = await attempt(() =>
        compareInterleaved(
          { page: p.controlled, spec: { url: apiTodos } },
          { page: p.plain, spec: { url: apiTodos, headers: { Authorization: `Bearer ${p.accessToken}` } } },
          opts,
        ),
      );
      step(`requests the SW does not own: ${SAMPLES} same-origin static fetches per side`);
      const staticSpec = { url: `${o.appOrigin}/app.css`, cache: 'no-store' } as const;
      unowned = await attempt(async () => {
        const c = await compareInterleaved({ page: p.controlled, spec: staticSpec }, { page: p.plain, spec: staticSpec }, opts);
        await assertSwUnattached(cdp);
        return c;
      });
      step(`SW recovery: ${RECOVERY_RUNS} stops`);
      await p.controlled.close();
      recovery = await attempt(() => measureRecovery(cdp, p.app, apiTodos, RECOVERY_RUNS, () => assertSwUnattached(cdp)));
      await cdp.send('Target.disposeBrowserContext', { browserContextId: p.ctxA }).catch(() => undefined);
      await cdp.send('Target.disposeBrowserContext', { browserContextId: p.ctxB }).catch(() => undefined);
    }

    step(`refresh single-flight: IdP restarted with ACCESS_TOKEN_TTL=${REFRESH_TTL_S}s, token endpoint held, ${CALLS} concurrent calls from 2 tabs`);
    const tapFrom = tap.records.length;
    const single = await attempt(async () => {
      await stack.restartIdp(REFRESH_TTL_S);
      // Armed before sign-in: it starts holding as soon as the code exchange is read (token-tap.ts).
      const hold = tap.holdAfterCodeExchange();
      const ctxC = await newContext(cdp);
      try {
        const appC = await openPage(cdp, `${o.appOrigin}/`, ctxC);
        await signInThroughApp(appC, o, {
          confirmed: () => tap.records.slice(tapFrom).some((r) => r.grantType === 'authorization_code' && r.status === 200),
        });
        // Two tabs: every tab shares the one SW and so must share the one refresh.
        const tabs: Page[] = [];
        for (let i = 0; i < 2; i++) {
          const tab = await openReady(cdp, `${o.appOrigin}${BENCH_PAGE_PATH}`, ctxC);
          await waitControlled(tab);
          tabs.push(tab);
        }
        await assertSwUnattached(cdp);
        const report = await measureSingleFlight(tabs, tap, hold, { apiUrl: apiTodos, ttlS: REFRESH_TTL_S, calls: CALLS, recordsFrom: tapFrom });
        // Evidence for the report: what the app page shows by then.
        const appText = await appC.evaluate<string>('document.body.innerText.replace(/\\s+/g, " ").slice(0, 200)');
        return { ...report, appPageText: appText };
      } finally {
        hold.release();
        await cdp.send('Target.disposeBrowserContext', { browserContextId: ctxC }).catch(() => undefined);
      }
    });
    const ms = (t: number | undefined) => (t === undefined ? null : t - t0);
    const singleFlightTokenRequests = tap.records.slice(tapFrom).map((r) => ({
      arrivedMs: ms(r.arrivedAt),
      handledMs: ms(r.handledAt),
      answeredMs: ms(r.answeredAt),
      held: r.held,
      grantType: r.grantType ?? null,
      status: r.status ?? null,
    }));

    const rows: TargetRow[] = [...sizeRows(sizes), apiRow(api), unownedRow(unowned), singleFlightRow(single, CALLS), recoveryRow(recovery)];
    const errors = rows.filter((r) => r.measured === 'ERROR').length;
    const result = {
      when: new Date().toISOString(),
      gitRev: gitRev(),
      node: process.version,
      browser: browser.product,
      durationS: round((Date.now() - t0) / 1000, 1),
      settings: { samples: SAMPLES, batch: BATCH, recoveryRuns: RECOVERY_RUNS, refreshTtlS: REFRESH_TTL_S, calls: CALLS, longTtlS: LONG_TTL_S },
      swDebuggerAttached: false,
      swTargetsSeen: setup.ok ? setup.value.swTargets : null,
      targets: rows,
      sizes,
      apiOverhead: api,
      unownedStatic: { url: '/app.css', cache: 'no-store', outcome: unowned },
      singleFlight: single,
      /** Token-endpoint requests during the single-flight phase (times in ms since bench start). */
      singleFlightTokenRequests,
      recovery,
    };
    const outDir = join(ROOT, 'bench/results');
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);
    step('done');
    console.log(`\n${formatTable(rows)}\n\n${browser.product}, node ${process.version}, ${result.durationS}s; details: bench/results/latest.json`);
    return errors === 0;
  } finally {
    await cleanup();
  }
}

main().then(
  (ok) => {
    if (!ok) {
      console.error('bench: some measurements could not be made (see ERROR rows)');
      process.exitCode = 1;
    }
  },
  (err: unknown) => {
    const code = err instanceof BenchError ? err.code : 'UNEXPECTED';
    console.error(`bench failed [${code}]: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
