/**
 * The load generator for the API stub row, run as its own process (api-load.ts starts it) so it
 * does not share an event loop with the server it measures: on a 2-core machine the server gets
 * one core and this client the other. Keep-alive connections, a fixed number of requests in
 * flight, time slices per target in rotating order. Prints one JSON object on stdout.
 *
 * argv[2]: LoadClientConfig as JSON.
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { summarize, type Summary } from './stats.ts';

export interface LoadTarget {
  readonly name: string;
  readonly url: string;
}

export interface LoadClientConfig {
  readonly targets: readonly LoadTarget[];
  readonly headers: Readonly<Record<string, string>>;
  readonly connections: number;
  readonly sliceMs: number;
  readonly rounds: number;
  readonly warmupMs: number;
  /** Completions are counted per window of this length; the row reports the median window. */
  readonly windowMs: number;
}

export interface LoadSideResult {
  /** Requests per second, one value per window, over every slice. */
  readonly windowRps: readonly number[];
  readonly latencyMs: Summary;
  readonly requests: number;
  readonly statuses: Readonly<Record<string, number>>;
  /** This client's CPU time / wall time while it loaded this target (1 = one core busy). */
  readonly clientCpu: number;
}

export type LoadClientResult = Record<string, LoadSideResult>;

function get(url: URL, agent: Agent, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers }, (res) => {
      res.on('data', () => undefined);
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

interface Tally {
  readonly windows: number[];
  readonly latencies: number[];
  readonly statuses: Record<string, number>;
  cpuUs: number;
  wallMs: number;
}

async function slice(t: LoadTarget, agent: Agent, c: LoadClientConfig, ms: number, tally: Tally | null): Promise<void> {
  const url = new URL(t.url);
  const start = performance.now();
  const end = start + ms;
  const cpu0 = process.cpuUsage();
  const counts = new Array<number>(Math.ceil(ms / c.windowMs)).fill(0);
  const loop = async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      const status = await get(url, agent, { ...c.headers });
      const t1 = performance.now();
      if (!tally || t1 > end) continue;
      counts[Math.floor((t1 - start) / c.windowMs)]! += 1;
      tally.latencies.push(t1 - t0);
      tally.statuses[status] = (tally.statuses[status] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: c.connections }, loop));
  if (!tally) return;
  const cpu = process.cpuUsage(cpu0);
  tally.cpuUs += cpu.user + cpu.system;
  tally.wallMs += ms;
  // A last partial window would under-count: keep full windows only.
  const full = Math.floor(ms / c.windowMs);
  tally.windows.push(...counts.slice(0, full).map((n) => (n * 1000) / c.windowMs));
}

async function main(): Promise<void> {
  const c = JSON.parse(process.argv[2] ?? '') as LoadClientConfig;
  const agents = c.targets.map(() => new Agent({ keepAlive: true, maxSockets: c.connections }));
  const tallies: Tally[] = c.targets.map(() => ({ windows: [], latencies: [], statuses: {}, cpuUs: 0, wallMs: 0 }));
  for (let i = 0; i < c.targets.length; i++) await slice(c.targets[i]!, agents[i]!, c, c.warmupMs, null);
  for (let round = 0; round < c.rounds; round++) {
    for (let k = 0; k < c.targets.length; k++) {
      const i = (round + k) % c.targets.length;
      await slice(c.targets[i]!, agents[i]!, c, c.sliceMs, tallies[i]!);
    }
  }
  for (const a of agents) a.destroy();
  const out: LoadClientResult = Object.fromEntries(
    c.targets.map((t, i) => {
      const x = tallies[i]!;
      const side: LoadSideResult = {
        windowRps: x.windows,
        latencyMs: summarize(x.latencies),
        requests: x.latencies.length,
        statuses: x.statuses,
        clientCpu: x.cpuUs / 1000 / x.wallMs,
      };
      return [t.name, side];
    }),
  );
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((err: unknown) => {
  console.error(`load client failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
