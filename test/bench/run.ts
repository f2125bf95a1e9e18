/**
 * `npm run bench`: measures the project against its goals, beside the floor and the peers, in
 * one run, and prints a table; writes the details to bench/results/latest.json and the table as
 * Markdown to bench/results/latest.md. A missed goal never fails the process (this is a report).
 * An error that blocks a measurement is shown in its row, the other measurements still run, and
 * the process exits 1.
 *
 * Tunables (env): BENCH_SAMPLES (1000 per side), BENCH_BATCH (20), BENCH_RECOVERY_RUNS (5),
 * BENCH_REFRESH_TTL (access-token lifetime for the single-flight run, seconds, default 2),
 * BENCH_CALLS (50), BENCH_LOAD_RUNS (10 per page load), BENCH_API_CONNECTIONS (8),
 * BENCH_API_SLICE_MS (1000), BENCH_API_ROUNDS (6).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CHROME_ARGS, requireChrome } from '../find-chrome.ts';
import { signIn } from '../stack/flow.ts';
import { measureApiLoad } from './api-load.ts';
import { serveAxa, setUpAxa } from './axa.ts';
import { launchChromium } from './cdp.ts';
import { setUpDpop, type DpopProfile } from './dpop-profile.ts';
import { BenchError } from './errors.ts';
import { measureLoads } from './loads.ts';
import { machine } from './machine.ts';
import { attempt, type Outcome } from './outcome.ts';
import { measurePeerSizes } from './peer-sizes.ts';
import { assertSwUnattached, disposeContexts, setUpProfiles } from './profiles.ts';
import { measureRecovery } from './recovery.ts';
import { formatMarkdown, formatTable, type TargetRow } from './report.ts';
import { apiRow, recoveryRow, singleFlightRow, sizeRows, unownedRow } from './rows.ts';
import { apiLoadRow, apiPeerRows, dpopRow, loadRows, peerSizeRows, SIDE, sidesComparison, unownedFloorRow, type ApiSides } from './rows-peers.ts';
import { DEMO } from './sign-in.ts';
import { runSingleFlight } from './single-flight-phase.ts';
import { measureSizes } from './sizes.ts';
import { buildApp, ROOT, SEED_TODOS, seedTodos, startStack } from './stack.ts';
import { round } from './stats.ts';
import { measureInterleaved, type Side } from './timed-fetch.ts';
import { tapTokenEndpoint } from './token-tap.ts';
import { intEnv } from './int-env.ts';

const SETTINGS = {
  samples: intEnv('BENCH_SAMPLES', 1000),
  batch: intEnv('BENCH_BATCH', 20),
  recoveryRuns: intEnv('BENCH_RECOVERY_RUNS', 5),
  refreshTtlS: intEnv('BENCH_REFRESH_TTL', 2),
  calls: intEnv('BENCH_CALLS', 50),
  loadRuns: intEnv('BENCH_LOAD_RUNS', 10),
  api: { connections: intEnv('BENCH_API_CONNECTIONS', 8), sliceMs: intEnv('BENCH_API_SLICE_MS', 1000), rounds: intEnv('BENCH_API_ROUNDS', 6) },
  /** Long enough that no refresh happens while the API calls, loads and recovery are measured. */
  longTtlS: 300,
} as const;

const t0 = Date.now();
const step = (msg: string) => console.error(`[bench ${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}`);

const skipped = <T>(because: Outcome<unknown>): Outcome<T> =>
  because.ok ? { ok: false, code: 'UNEXPECTED', message: 'skipped' } : { ...because, message: `set-up failed: ${because.message}` };

async function main(): Promise<boolean> {
  // Closers are sync or async; one that fails must not keep the others from running.
  const closers: (() => unknown)[] = [];
  const cleanup = async () => {
    for (const c of closers.reverse())
      await Promise.resolve()
        .then(c)
        .catch(() => undefined);
    closers.length = 0;
  };
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
  try {
    const chrome = requireChrome();
    step('building the app (vite build)');
    const distDir = await buildApp();
    closers.push(() => rm(distDir, { recursive: true, force: true }));
    const sizes = await attempt(() => measureSizes(distDir));
    step('bundling our page client and the peers (same minifier), gzip -9');
    const peerSizes = await measurePeerSizes(sizes);

    step('starting IdP, API and app (vite preview)');
    const stack = await startStack(distDir, SETTINGS.longTtlS);
    closers.push(() => stack.close());
    const o = stack.origins;
    const apiTodos = `${o.apiOrigin}/todos`;
    const discovery = (await (await fetch(`${o.issuer}/.well-known/openid-configuration`)).json()) as { token_endpoint: string };
    const tap = tapTokenEndpoint(o.idpPort, new URL(discovery.token_endpoint).pathname);
    closers.push(() => {
      tap.stop();
    });
    // One code flow over HTTP: the token the no-SW page and the floor SW send, and the seed.
    const { tokens } = await signIn({ issuer: o.issuer, appOrigin: o.appOrigin, username: DEMO.username, password: DEMO.password });
    await seedTodos(o.apiOrigin, tokens.access_token);
    step('starting a second IdP, API and app with DPoP on (row 2d)');
    // Row 2d alone depends on it: if it cannot start, that row shows why and the rest runs.
    const dpopStack = await attempt(() => startStack(distDir, SETTINGS.longTtlS, { dpop: true }));
    if (dpopStack.ok) closers.push(() => dpopStack.value.close());

    step(`Todo API under load: validation vs none, ${SETTINGS.api.rounds} x ${SETTINGS.api.sliceMs} ms slices each (browser not started yet)`);
    const apiLoad = await attempt(() => measureApiLoad(o, tokens.access_token, SETTINGS.api));

    step('launching Chromium (raw CDP pipe, page targets only)');
    const cdp = launchChromium(chrome, CHROME_ARGS);
    closers.push(() => cdp.close());
    const browser = await cdp.send<{ product: string }>('Browser.getVersion');

    const setup = await attempt(() => setUpProfiles(cdp, o, stack.routes, tokens.access_token, step));
    step("signing in through AxaFrance's page client (its SW in a profile of its own)");
    const axa = await attempt(async () => {
      if (!peerSizes.axaApp.ok) throw new BenchError('BUILD_OUTPUT_MISSING', `its bundle failed: ${peerSizes.axaApp.message}`);
      serveAxa(stack.routes, o, peerSizes.axaApp.value);
      return setUpAxa(cdp, o);
    });
    let dpop: Outcome<DpopProfile> = skipped(setup);
    let api: Outcome<ApiSides> = skipped(setup);
    let unowned: Outcome<ApiSides> = skipped(setup);
    let loads: Outcome<Awaited<ReturnType<typeof measureLoads>>> = skipped(setup);
    let recovery: Outcome<Awaited<ReturnType<typeof measureRecovery>>> = skipped(setup);
    if (setup.ok) {
      const p = setup.value;
      // Row 2d's profile: a failure here shows in that row alone, and the other sides still run.
      step('signing in through the app on the DPoP stack (our SW with dpop: true, in a profile of its own)');
      dpop = dpopStack.ok ? await attempt(() => setUpDpop(cdp, dpopStack.value.origins)) : skipped(dpopStack);
      const opts = { samples: SETTINGS.samples, batch: SETTINGS.batch, warmup: SETTINGS.batch };
      const sides: Side[] = [
        { name: SIDE.ours, page: p.controlled, spec: { url: apiTodos } },
        { name: SIDE.none, page: p.plain, spec: { url: apiTodos, headers: { Authorization: `Bearer ${tokens.access_token}` } } },
        { name: SIDE.floor, page: p.floor, spec: { url: apiTodos } },
        ...(axa.ok ? [{ name: SIDE.axa, page: axa.value.page, spec: { url: apiTodos } }] : []),
        ...(dpop.ok ? [{ name: SIDE.oursDpop, page: dpop.value.page, spec: { url: dpop.value.apiTodos } }] : []),
      ];
      step(`API-call cost: ${SETTINGS.samples} calls per side (${sides.map((s) => s.name).join(', ')}), batches of ${SETTINGS.batch}, interleaved`);
      api = await attempt(async () => {
        const r = await measureInterleaved(sides, opts);
        await assertSwUnattached(cdp);
        return r;
      });
      // Gone before the next phases, so they run with the same browser as before row 2d existed.
      if (dpop.ok) await disposeContexts(cdp, [dpop.value.ctx]);
      step(`requests the SW does not own: ${SETTINGS.samples} same-origin static fetches per side`);
      // A same-origin file the SW does not own (the shell's files, app.css among them, it owns).
      const staticSpec = { url: `${o.appOrigin}/config.json`, cache: 'no-store' } as const;
      // The floor page's SW has a plain fetch handler: it sees this request and passes it on, the
      // cost our static routes exist to avoid (row 3a).
      unowned = await attempt(() =>
        measureInterleaved(
          [
            { name: SIDE.ours, page: p.controlled, spec: staticSpec },
            { name: SIDE.none, page: p.plain, spec: staticSpec },
            { name: SIDE.floor, page: p.floor, spec: staticSpec },
          ],
          opts,
        ),
      );
      step(`loads users feel: first visit, repeat visit, sign-in round trip, ${SETTINGS.loadRuns} runs each`);
      loads = await attempt(() => measureLoads({ cdp, o, signedInCtx: p.ctxA, todos: SEED_TODOS.length, runs: SETTINGS.loadRuns }));
      step(`SW recovery: ${SETTINGS.recoveryRuns} stops`);
      await p.controlled.close();
      recovery = await attempt(() => measureRecovery(cdp, p.app, apiTodos, SETTINGS.recoveryRuns, () => assertSwUnattached(cdp)));
      await disposeContexts(cdp, [p.ctxA, p.ctxB, p.ctxF]);
    }
    if (axa.ok) await disposeContexts(cdp, [axa.value.ctx]);

    step(
      `refresh single-flight: IdP restarted with ACCESS_TOKEN_TTL=${SETTINGS.refreshTtlS}s, token endpoint held, ${SETTINGS.calls} concurrent calls from 2 tabs`,
    );
    const single = await runSingleFlight(cdp, stack, tap, { ttlS: SETTINGS.refreshTtlS, calls: SETTINGS.calls, t0 });

    const isolated = setup.ok && setup.value.isolated && (!axa.ok || axa.value.isolated) && (!dpop.ok || dpop.value.isolated);
    const rows: TargetRow[] = [
      ...sizeRows(sizes),
      apiRow(sidesComparison(api, SIDE.ours, SIDE.none), isolated),
      ...apiPeerRows(api, axa),
      dpopRow(api, dpop),
      unownedRow(sidesComparison(unowned, SIDE.ours, SIDE.none), isolated),
      unownedFloorRow(unowned),
      singleFlightRow(single.outcome, SETTINGS.calls),
      recoveryRow(recovery),
      ...peerSizeRows(peerSizes),
      ...loadRows(loads),
      apiLoadRow(apiLoad),
    ];
    const errors = rows.filter((r) => r.median === 'ERROR').length;
    const durationS = round((Date.now() - t0) / 1000, 1);
    const host = machine(browser.product);
    const result = {
      when: new Date().toISOString(),
      ...host,
      durationS,
      settings: SETTINGS,
      swDebuggerAttached: false,
      swTargetsSeen: setup.ok ? setup.value.swTargets : null,
      targets: rows,
      sizes,
      peerSizes: { ours: peerSizes.ours, peers: peerSizes.peers },
      apiCalls: {
        url: apiTodos,
        sides: api,
        axaSetUp: axa.ok ? 'ok' : axa,
        dpop: dpop.ok ? { url: dpop.value.apiTodos, setUp: 'ok' } : { setUp: dpop },
      },
      unownedStatic: { url: '/config.json', cache: 'no-store', outcome: unowned },
      loads,
      apiLoad,
      singleFlight: single.outcome,
      singleFlightTokenRequests: single.tokenRequests,
      recovery,
    };
    const outDir = join(ROOT, 'bench/results');
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);
    const machineLine = `${host.cpus} x ${host.cpuModel}, ${host.browser}, node ${host.node}, load average ${host.loadAverage.join(' / ')}; git ${host.gitRev}; ${durationS}s`;
    writeFileSync(join(outDir, 'latest.md'), `${formatMarkdown(rows)}\n\n${machineLine}\n`);
    step('done');
    console.log(`\n${formatTable(rows)}\n\n${machineLine}; details: bench/results/latest.json`);
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
