/** Turns the original measurements (or the errors that blocked them) into rows 1-5 of the table. */
import type { Outcome } from './outcome.ts';
import type { RecoveryReport } from './recovery.ts';
import { errorRow, kb, KB, ms, NONE, TARGETS, x, type TargetRow } from './report.ts';
import type { SingleFlightReport } from './single-flight.ts';
import type { SizeReport } from './sizes.ts';
import { SEED_TODOS } from './stack.ts';
import type { Comparison } from './timed-fetch.ts';

const SEED_COUNT = SEED_TODOS.length;

export const why = (o: Outcome<unknown>): string => (o.ok ? '' : `${o.code}: ${o.message}`);

/** `a vs b ms` for a comparison's medians (or p90s). */
export const vs = (a: number, b: number): string => `${a.toFixed(2)} vs ${b.toFixed(2)} ms`;

export const signed = (d: number): string => `${d >= 0 ? '+' : ''}${ms(d)}`;

/** A row comparing two sides of interleaved rounds: medians, p90s, ratio with the difference. */
export function comparisonRow(id: string, metric: string, c: Comparison, goal: string, pass: boolean | null, note?: string): TargetRow {
  return {
    id,
    metric,
    median: vs(c.subject.median, c.baseline.median),
    p90: vs(c.subject.p90, c.baseline.p90),
    ratio: `${x(c.ratioMedian)} (${signed(c.deltaMedianMs)})`,
    goal,
    pass,
    ...(note === undefined ? {} : { note }),
  };
}

const sizeRow = (id: string, metric: string, bytes: number, goalKb: number): TargetRow => ({
  id,
  metric,
  median: kb(bytes),
  p90: NONE,
  ratio: x(bytes / (goalKb * KB)),
  goal: `<= ${goalKb} KB`,
  pass: bytes <= goalKb * KB,
});

export function sizeRows(o: Outcome<SizeReport>): TargetRow[] {
  if (!o.ok) return [errorRow('1', 'JS sizes, gzip -9', `page <= ${TARGETS.pageGzipKb} KB, SW <= ${TARGETS.swGzipKb} KB`, why(o))];
  const s = o.value;
  const reported = (id: string, metric: string, bytes: number, note: string): TargetRow => ({
    id,
    metric,
    median: kb(bytes),
    p90: NONE,
    ratio: NONE,
    goal: NONE,
    pass: null,
    note,
  });
  return [
    { ...sizeRow('1a', 'page JS before first render, gzip -9', s.pageFirstRenderGzip, TARGETS.pageGzipKb), note: "the entry's static-import graph" },
    reported(
      '1a+',
      'page JS loaded on demand after it',
      s.pageGzip - s.pageFirstRenderGzip,
      'import() chunks: the signed-in list, texts, recovery host, offline reload',
    ),
    sizeRow('1b', 'SW JS (sw.js + imports), gzip -9', s.swGzip, TARGETS.swGzipKb),
    reported('1c', 'all page + SW JS, gzip -9', s.totalGzip, 'a chunk both import counts once'),
  ];
}

export function apiRow(o: Outcome<Comparison>, isolated: boolean): TargetRow {
  const metric = 'API call: ours vs no SW (page sets the header)';
  const goal = `<= +${TARGETS.apiOverheadMs} ms`;
  if (!o.ok) return errorRow('2', metric, goal, why(o));
  const note = `GET /todos (${SEED_COUNT} todos), the same calls in the same interleaved rounds as 2a-2d; ${timers(isolated)}`;
  return comparisonRow('2', metric, o.value, goal, o.value.deltaMedianMs <= TARGETS.apiOverheadMs, note);
}

/** Timer resolution in the timing pages, for the notes. */
export const timers = (isolated: boolean): string =>
  isolated ? 'page timers: 5 us (cross-origin isolated)' : 'page timers: coarsened to 0.1 ms (the pages were not cross-origin isolated)';

export function unownedRow(o: Outcome<Comparison>, isolated: boolean): TargetRow {
  const metric = 'unowned static fetch: controlled vs not';
  const goal = `<= ${TARGETS.unownedRatio.toFixed(2)}x`;
  if (!o.ok) return errorRow('3', metric, goal, why(o));
  const note = `"adds nothing" read as a median ratio <= ${TARGETS.unownedRatio} (noise allowance); ${timers(isolated)}`;
  return comparisonRow('3', metric, o.value, goal, o.value.ratioMedian <= TARGETS.unownedRatio, note);
}

export function singleFlightRow(o: Outcome<SingleFlightReport>, calls: number): TargetRow {
  const metric = `refresh grants for ${calls} concurrent calls, expired token`;
  const goal = `exactly ${TARGETS.refreshes}, all 200`;
  if (!o.ok) return errorRow('4', metric, goal, why(o));
  const s = o.value;
  const answers = Object.entries(s.statuses)
    .map(([status, n]) => `${n}x${status}`)
    .join(', ');
  const s1 = (t: number) => `${(t / 1000).toFixed(1)}s`;
  const held =
    s.heldRequestArrivedMs === null
      ? 'no token request was held'
      : `the held token request arrived ${s1(Math.abs(s.heldRequestArrivedMs))} ${s.heldRequestArrivedMs < 0 ? 'before' : 'after'} expiry`;
  const facts =
    `TTL ${s.accessTokenTtlS}s; burst from ${s.tabs} tabs ${s1(Math.abs(s.burstAfterExpiryMs))} ${s.burstAfterExpiryMs < 0 ? 'before' : 'after'} expiry; ${held}, ` +
    `released ${s1(s.heldAfterBurstMs)} into the burst; refresh answers: ${s.refreshStatuses.join(', ') || 'none'}; ` +
    `other grants in the window: ${s.otherGrants}; grants between sign-in and expiry: ${s.grantsBeforeExpiry}; burst took ${s.burstMs} ms; answers: ${answers}`;
  if (!s.expiredAtBurst) {
    // The burst did not meet an expired token, so it says nothing about single-flight on expiry.
    return errorRow('4', metric, goal, `the access token was not expired when the burst started (${facts})`);
  }
  return {
    id: '4',
    metric,
    median: `${s.refreshGrants} grant${s.refreshGrants === 1 ? '' : 's'}`,
    p90: NONE,
    ratio: NONE,
    goal,
    pass: s.refreshGrants === TARGETS.refreshes && s.otherGrants === 0 && (s.statuses['200'] ?? 0) === calls,
    note: facts,
  };
}

export function recoveryRow(o: Outcome<RecoveryReport>): TargetRow {
  const metric = 'SW stopped -> API call succeeds';
  const goal = `< ${TARGETS.recoveryMs} ms`;
  if (!o.ok) return errorRow('5', metric, goal, why(o));
  const r = o.value;
  const recovered = r.runs.filter((run) => run.ms !== null).length;
  const perRun = `per run ms: ${r.runs.map((run) => (run.ms === null ? 'fail' : run.ms.toFixed(0))).join(', ')}`;
  if (recovered === 0) return { id: '5', metric, median: `never (0/${r.runs.length})`, p90: NONE, ratio: NONE, goal, pass: false, note: perRun };
  return {
    id: '5',
    metric,
    median: ms(r.summary.median, 0),
    p90: ms(r.summary.p90, 0),
    ratio: x(r.summary.median / TARGETS.recoveryMs),
    goal,
    pass: recovered === r.runs.length && r.summary.median < TARGETS.recoveryMs,
    note: `${recovered}/${r.runs.length} recovered; ${perRun}`,
  };
}
