/**
 * Side-by-side fetch timing. Each page runs its own loop (one `Runtime.evaluate` per batch) and
 * times every request with `performance.now()` in the page, so CDP round trips never enter a
 * sample. Batches alternate between the pages, and the order rotates every round, so drift on
 * this noisy machine (thermal, other processes) lands on every side alike.
 */
import { BenchError } from './errors.ts';
import type { Page } from './page.ts';
import { round, summarize, type Summary } from './stats.ts';

export interface FetchSpec {
  readonly url: string;
  /** Headers the page sets itself (the uncontrolled baseline sets `Authorization`). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly cache?: RequestCache;
}

interface BatchResult {
  readonly times: number[];
  readonly statuses: number[];
}

function batchScript(spec: FetchSpec, n: number): string {
  const init = { headers: spec.headers ?? {}, cache: spec.cache ?? 'default' };
  return `(async () => {
    const url = ${JSON.stringify(spec.url)};
    const init = ${JSON.stringify(init)};
    const times = [];
    const statuses = [];
    for (let i = 0; i < ${n}; i++) {
      const t0 = performance.now();
      const res = await fetch(url, init);
      await res.arrayBuffer();
      times.push(performance.now() - t0);
      statuses.push(res.status);
    }
    return { times, statuses };
  })()`;
}

async function batch(page: Page, spec: FetchSpec, n: number): Promise<BatchResult> {
  const r = await page.evaluate<BatchResult>(batchScript(spec, n));
  const bad = r.statuses.filter((s) => s !== 200);
  if (bad.length > 0) {
    throw new BenchError('API_CALL_FAILED', `${spec.url}: ${bad.length}/${n} answers were not 200 (e.g. ${bad[0]})`);
  }
  return r;
}

export interface Comparison {
  readonly subject: Summary;
  readonly baseline: Summary;
  /** subject.median - baseline.median, ms. */
  readonly deltaMedianMs: number;
  readonly ratioMedian: number;
  readonly deltaP90Ms: number;
}

export interface CompareOptions {
  readonly samples: number;
  readonly batch: number;
  readonly warmup: number;
}

export interface Side {
  readonly name: string;
  readonly page: Page;
  readonly spec: FetchSpec;
}

/**
 * Times every side in the same rounds: each round runs one batch per side, and the order rotates
 * by one every round, so each side runs first, second, ... equally often.
 */
export async function measureInterleaved(sides: readonly Side[], o: CompareOptions): Promise<Record<string, Summary>> {
  // Warm-up: connections, CORS preflight cache, the SW's first fetch event, JIT.
  for (const s of sides) await batch(s.page, s.spec, o.warmup);
  const times = sides.map((): number[] => []);
  for (let round = 0; times[0]!.length < o.samples; round++) {
    const n = Math.min(o.batch, o.samples - times[0]!.length);
    for (let k = 0; k < sides.length; k++) {
      const i = (round + k) % sides.length;
      const s = sides[i]!;
      times[i]!.push(...(await batch(s.page, s.spec, n)).times);
    }
  }
  return Object.fromEntries(sides.map((s, i) => [s.name, summarize(times[i]!)]));
}

export function compare(subject: Summary, baseline: Summary): Comparison {
  return {
    subject,
    baseline,
    deltaMedianMs: round(subject.median - baseline.median),
    ratioMedian: round(subject.median / baseline.median),
    deltaP90Ms: round(subject.p90 - baseline.p90),
  };
}
