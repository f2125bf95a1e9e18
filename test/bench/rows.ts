/** Turns measurements (or the errors that blocked them) into the table's target rows. */
import type { Outcome } from './outcome.ts';
import type { RecoveryReport } from './recovery.ts';
import { kb, KB, TARGETS, type TargetRow } from './report.ts';
import type { SingleFlightReport } from './single-flight.ts';
import type { SizeReport } from './sizes.ts';
import type { Comparison } from './timed-fetch.ts';

function blocked(id: string, metric: string, target: string, o: Outcome<unknown>): TargetRow {
  const why = o.ok ? '' : `${o.code}: ${o.message}`;
  return { id, metric, measured: 'ERROR', target, pass: null, note: `not measured: ${why}` };
}

const ms = (x: number) => x.toFixed(2);

export function sizeRows(o: Outcome<SizeReport>): TargetRow[] {
  const page = `<= ${TARGETS.pageGzipKb} KB`;
  const total = `<= ${TARGETS.totalGzipKb} KB`;
  if (!o.ok) return [blocked('1', 'JS sizes, gzip -9', `${page}; total ${total}`, o)];
  const s = o.value;
  return [
    { id: '1a', metric: 'page JS, gzip -9', measured: kb(s.pageGzip), target: page, pass: s.pageGzip <= TARGETS.pageGzipKb * KB },
    { id: '1b', metric: 'SW JS (sw.js + imports), gzip -9', measured: kb(s.swGzip), target: '-', pass: null },
    { id: '1c', metric: 'page + SW JS, gzip -9', measured: kb(s.totalGzip), target: total, pass: s.totalGzip <= TARGETS.totalGzipKb * KB },
  ];
}

export function apiRow(o: Outcome<Comparison>): TargetRow {
  const metric = 'API call via SW vs page-set header (median)';
  const target = `<= ${TARGETS.apiOverheadMs} ms`;
  if (!o.ok) return blocked('2', metric, target, o);
  const c = o.value;
  return {
    id: '2',
    metric,
    measured: `+${ms(c.deltaMedianMs)} ms (${ms(c.ratioMedian)}x; ${ms(c.subject.median)} vs ${ms(c.baseline.median)} ms; p90 ${ms(c.subject.p90)} vs ${ms(c.baseline.p90)})`,
    target,
    pass: c.deltaMedianMs <= TARGETS.apiOverheadMs,
  };
}

export function unownedRow(o: Outcome<Comparison>): TargetRow {
  const metric = 'unowned static fetch, controlled vs not (median)';
  const target = `<= ${TARGETS.unownedRatio}x`;
  if (!o.ok) return blocked('3', metric, target, o);
  const c = o.value;
  return {
    id: '3',
    metric,
    measured: `${ms(c.ratioMedian)}x (${c.deltaMedianMs >= 0 ? '+' : ''}${ms(c.deltaMedianMs)} ms; ${ms(c.subject.median)} vs ${ms(c.baseline.median)} ms)`,
    target,
    pass: c.ratioMedian <= TARGETS.unownedRatio,
    note: `"adds nothing" read as a median ratio <= ${TARGETS.unownedRatio} (noise allowance); page timers are coarsened to 0.1 ms`,
  };
}

export function singleFlightRow(o: Outcome<SingleFlightReport>, calls: number): TargetRow {
  const metric = `refresh grants for ${calls} concurrent calls, expired token`;
  const target = `exactly ${TARGETS.refreshes}, all 200`;
  if (!o.ok) return blocked('4', metric, target, o);
  const s = o.value;
  const answers = Object.entries(s.statuses).map(([status, n]) => `${n}x${status}`).join(', ');
  const s1 = (x: number) => `${(x / 1000).toFixed(1)}s`;
  const held =
    s.heldRequestArrivedMs === null
      ? 'no token request was held'
      : `the held token request arrived ${s1(Math.abs(s.heldRequestArrivedMs))} ${s.heldRequestArrivedMs < 0 ? 'before' : 'after'} expiry`;
  const facts =
    `TTL ${s.accessTokenTtlS}s; burst from ${s.tabs} tabs ${s1(Math.abs(s.burstAfterExpiryMs))} ${s.burstAfterExpiryMs < 0 ? 'before' : 'after'} expiry; ${held}, ` +
    `released ${s1(s.heldAfterBurstMs)} into the burst; refresh answers: ${s.refreshStatuses.join(', ') || 'none'}; ` +
    `other grants in the window: ${s.otherGrants}; grants between sign-in and expiry: ${s.grantsBeforeExpiry}; burst took ${s.burstMs} ms`;
  if (!s.expiredAtBurst) {
    // The burst did not meet an expired token, so it says nothing about single-flight on expiry.
    return { id: '4', metric, measured: 'ERROR', target, pass: null, note: `not measured: the access token was not expired when the burst started (${facts})` };
  }
  return {
    id: '4',
    metric,
    measured: `${s.refreshGrants} (answers: ${answers})`,
    target,
    pass: s.refreshGrants === TARGETS.refreshes && s.otherGrants === 0 && (s.statuses['200'] ?? 0) === calls,
    note: facts,
  };
}

export function recoveryRow(o: Outcome<RecoveryReport>): TargetRow {
  const metric = 'SW stopped -> API call succeeds (median)';
  const target = `< ${TARGETS.recoveryMs} ms`;
  if (!o.ok) return blocked('5', metric, target, o);
  const r = o.value;
  const recovered = r.runs.filter((x) => x.ms !== null).length;
  return {
    id: '5',
    metric,
    measured: recovered > 0 ? `${r.summary.median.toFixed(0)} ms (p90 ${r.summary.p90.toFixed(0)}, ${recovered}/${r.runs.length} recovered)` : `never (0/${r.runs.length})`,
    target,
    pass: recovered === r.runs.length && r.summary.median < TARGETS.recoveryMs,
    note: `per run ms: ${r.runs.map((x) => (x.ms === null ? 'fail' : x.ms.toFixed(0))).join(', ')}`,
  };
}
