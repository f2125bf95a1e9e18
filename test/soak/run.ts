/**
 * `npm run soak`: one user session in Chromium adding a todo every few seconds while a seeded
 * schedule of faults runs (SW stops at chosen moments, API and IdP restarts, network cuts, with
 * short-lived access tokens throughout). Prints a table, writes bench/results/soak.json and
 * soak.md, and exits 1 when a write was lost or duplicated, the user was signed out, or a fault
 * was never recovered from.
 *
 * Env: SOAK_S (seconds of faults and writes, default 300), SOAK_SEED (default random, printed so
 * a run can be replayed), SOAK_TTL (access-token lifetime in seconds, default 20).
 */
import { randomInt } from 'node:crypto';
import { machine } from '../bench/machine.ts';
import { launchBrowser, newContext } from '../e2e/harness/browser.ts';
import { ROOT } from '../e2e/harness/app-build.ts';
import { startStack } from '../e2e/harness/stack.ts';
import { TodoPage } from '../e2e/ui/todo-page.ts';
import { inject, planFaults, seededRandom, type FaultTargets, type Injected } from './faults.ts';
import { Observer } from './observer.ts';
import { countRefreshReuse, countStore, formatReport, passed, readStoredTitles, writeResults, type FaultRecord, type SoakResult } from './report.ts';
import { Writer } from './writer.ts';
import { intEnv } from '../bench/int-env.ts';

const SETTINGS = {
  durationS: intEnv('SOAK_S', 300),
  seed: intEnv('SOAK_SEED', randomInt(1, 2 ** 31 - 1)),
  accessTokenTtlS: intEnv('SOAK_TTL', 20),
} as const;

/** A fault the app has not recovered from in this long counts as never recovered. */
const RECOVER_TIMEOUT_MS = 120_000;

const t0 = Date.now();
const now = () => Date.now() - t0;
const step = (msg: string) => console.error(`[soak ${(now() / 1000).toFixed(1)}s] ${msg}`);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function main(): Promise<boolean> {
  const { durationS, seed, accessTokenTtlS } = SETTINGS;
  // First, so that even a run that dies can be replayed.
  console.log(`soak: seed ${seed} (replay: SOAK_SEED=${seed}), ${durationS} s, access tokens ${accessTokenTtlS} s`);
  const closers: (() => Promise<unknown>)[] = [];
  const cleanup = async () => {
    for (const c of closers.reverse()) await c().catch(() => undefined);
    closers.length = 0;
  };
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
  try {
    step('building the app (once per source state), starting IdP, Todo API, app and proxy');
    // Refresh tokens and the IdP session outlive the run: only faults may end the session.
    const long = durationS + 600;
    const stack = await startStack({ proxy: true, persistIdp: true, accessTokenTtl: accessTokenTtlS, refreshTokenTtl: long, sessionTtl: long });
    closers.push(() => stack.close());
    const o = stack.origins;
    const browser = await launchBrowser({ proxy: stack.proxy!.server });
    closers.push(() => browser.close());
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    step('signing in as alice through the IdP login form');
    const app = new TodoPage(page, o);
    await app.open();
    await app.signIn('alice');
    const discovery = (await (await fetch(`${o.issuer}/.well-known/openid-configuration`)).json()) as { authorization_endpoint: string };

    const observer = new Observer(page, now);
    await observer.start();
    closers.push(() => observer.stop());
    // Its own stream: the fault schedule stays the same however many writes a run makes.
    const writer = new Writer(page, String(seed), seededRandom(seed ^ 0x5eed), now);
    writer.start();
    closers.push(() => writer.stop());
    const targets: FaultTargets = { stack, ctx, page, authEndpoint: new URL(discovery.authorization_endpoint), nudge: () => writer.nudge() };

    const start = now();
    const deadline = start + durationS * 1000;
    step(`writing every 2-5 s; faults for ${durationS} s`);
    const faults: FaultRecord[] = [];
    for (const f of planFaults(seed, 10_000)) {
      // Only faults that end inside the run ("bounded" is the point of SOAK_S): one that does not
      // fit is skipped, so the time left still gets the shorter kinds.
      if (now() + f.gapMs + f.downMs > deadline) {
        if (deadline - now() < 5_000) break;
        continue;
      }
      await sleep(f.gapMs);
      const n = faults.length + 1;
      const atS = now() / 1000;
      observer.during = `${f.kind} #${n}`;
      step(`#${n} ${f.kind}${f.downMs ? ` (down ${(f.downMs / 1000).toFixed(1)} s)` : ''}`);
      const injected: Injected = await inject(f, targets).catch((e: unknown) => ({
        triggered: false,
        note: `could not inject: ${e instanceof Error ? (e.message.split('\n')[0] ?? '') : String(e)}`,
      }));
      const ended = now();
      // The user acts right after: recovery is measured up to that write being saved.
      writer.nudge();
      const recoveredMs = await observer.recovered(ended, () => writer.writes, RECOVER_TIMEOUT_MS);
      observer.during = 'none';
      const { evidence, ...what } = injected;
      faults.push({ n, kind: f.kind, atS, downMs: f.downMs, ...what, ...(evidence ? { evidence: evidence() } : {}), recoveredMs });
      step(
        `#${n} ${f.kind}: ${injected.triggered ? '' : `not triggered (${injected.note ?? ''}), `}${recoveredMs === null ? 'NOT recovered' : `recovered in ${(recoveredMs / 1000).toFixed(1)} s`}`,
      );
    }
    await sleep(Math.max(0, deadline - now()));

    step('stopping the writer; waiting for everything to be saved');
    await writer.stop();
    const finalFrom = now();
    await writer.write();
    const finalRecoveryMs = await observer.recovered(finalFrom, () => writer.writes, RECOVER_TIMEOUT_MS);
    await observer.stop();
    step('reading what the Todo API stored (as alice, from another device)');
    const store = countStore(writer.writes, await readStoredTitles(o));

    const host = machine(browser.version());
    const result: SoakResult = {
      when: new Date().toISOString(),
      seed,
      settings: { durationS, accessTokenTtlS },
      ranS: (now() - start) / 1000,
      writes: writer.writes.map((w) => ({ ...w, savedAtMs: observer.saved.get(w.title) ?? null })),
      skipped: writer.skipped,
      store,
      faults,
      errors: observer.errors,
      signOuts: observer.signOuts,
      swSignedOut: observer.swSignedOut,
      pageErrors: observer.pageErrors,
      pageLoads: observer.pageLoads,
      refreshTokensReused: countRefreshReuse(stack.proxy!.tokenExchanges),
      finalRecoveryMs,
      machine: host,
    };
    const machineLine = `${host.cpus} x ${host.cpuModel}, Chromium ${host.browser}, node ${host.node}, load average ${host.loadAverage.join(' / ')}; git ${host.gitRev}`;
    writeResults(ROOT, result, machineLine);
    console.log(`\n${formatReport(result)}\n${machineLine}; details: bench/results/soak.json`);
    return passed(result);
  } finally {
    await cleanup();
  }
}

main().then(
  (ok) => {
    if (!ok) process.exitCode = 1;
  },
  (err: unknown) => {
    console.error(`soak failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
