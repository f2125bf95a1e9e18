/**
 * Side-by-side fetch timing. Each page runs its own loop (one `Runtime.evaluate` per batch) and
 * times every request with `performance.now()` in the page, so CDP round trips never enter a
 * sample. Batches alternate between the two pages, and the order flips every round, so drift on
 * this noisy machine (thermal, other processes) lands on both sides alike.
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

export async function compareInterleaved(
  subject: { page: Page; spec: FetchSpec },
  baseline: { page: Page; spec: FetchSpec },
  o: CompareOptions,
): Promise<Comparison> {
  // Warm-up: connections, CORS preflight cache, the SW's first fetch event, JIT.
  await batch(subject.page, subject.spec, o.warmup);
  await batch(baseline.page, baseline.spec, o.warmup);
  const a: number[] = [];
  const b: number[] = [];
  for (let round = 0; a.length < o.samples; round++) {
    const n = Math.min(o.batch, o.samples - a.length);
    const runA = async () => a.push(...(await batch(subject.page, subject.spec, n)).times);
    const runB = async () => b.push(...(await batch(baseline.page, baseline.spec, n)).times);
    if (round % 2 === 0) {
      await runA();
      await runB();
    } else {
      await runB();
      await runA();
    }
  }
  const sa = summarize(a);
  const sb = summarize(b);
  return {
    subject: sa,
    baseline: sb,
    deltaMedianMs: round(sa.median - sb.median),
    ratioMedian: round(sa.median / sb.median),
    deltaP90Ms: round(sa.p90 - sb.p90),
  };
}
