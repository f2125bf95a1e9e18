/** Rows for the floor and the peers (2a-2c), DPoP (2d), peer sizes (6), the loads users feel (7) and the API under load (8). */
import type { ApiLoadReport } from './api-load.ts';
import type { LoadReport, LoadsReport } from './loads.ts';
import type { Outcome } from './outcome.ts';
import type { ClientSize, PeerSizeReport } from './peer-sizes.ts';
import { errorRow, kb, ms, NONE, TARGETS, x, type TargetRow } from './report.ts';
import { comparisonRow, signed, vs, why } from './rows.ts';
import { SEED_TODOS } from './stack.ts';
import type { Summary } from './stats.ts';
import { compare, type Comparison } from './timed-fetch.ts';

/** Medians and p90s of every side of the interleaved API-call run, by side name. */
export type ApiSides = Readonly<Record<string, Summary>>;

/** Side names in the interleaved API-call run. */
export const SIDE = { ours: 'ours', none: 'no SW', floor: 'floor', axa: 'AxaFrance SW', oursDpop: 'ours-dpop' } as const;

/** Side `a` against side `b` of the API-call run. */
export function sidesComparison(o: Outcome<ApiSides>, a: string, b: string): Outcome<Comparison> {
  if (!o.ok) return o;
  const sa = o.value[a];
  const sb = o.value[b];
  if (!sa || !sb) return { ok: false, code: 'UNEXPECTED', message: `side "${sa ? b : a}" was not measured` };
  return { ok: true, value: compare(sa, sb) };
}

/** The rows that compare two sides of the API-call run; `axa` is the peer's set-up (it may fail alone). */
export function apiPeerRows(o: Outcome<ApiSides>, axa: Outcome<unknown>): TargetRow[] {
  const rows: [string, string, string, string, string, number | null][] = [
    ['2a', 'API call: ours vs the floor SW', SIDE.ours, SIDE.floor, `<= ${TARGETS.floorRatio.toFixed(2)}x`, TARGETS.floorRatio],
    ['2b', 'API call: the floor SW vs no SW (any SW pays this)', SIDE.floor, SIDE.none, NONE, null],
    ['2c', "API call: ours vs AxaFrance's SW", SIDE.ours, SIDE.axa, NONE, null],
  ];
  return rows.map(([id, metric, a, b, goal, limit]) => {
    if (b === SIDE.axa && !axa.ok) return errorRow(id, metric, goal, `AxaFrance's SW could not be set up: ${why(axa)}`);
    const c = sidesComparison(o, a, b);
    return c.ok ? comparisonRow(id, metric, c.value, goal, limit === null ? null : c.value.ratioMedian <= limit) : errorRow(id, metric, goal, why(c));
  });
}

/**
 * Row 3a: the same unowned fetch from a page whose SW has a fetch handler that does not answer it
 * (the floor SW): what a SW without static routes makes every request it does not own pay.
 */
export function unownedFloorRow(o: Outcome<ApiSides>): TargetRow {
  const metric = 'unowned static fetch: a plain fetch handler (floor SW) vs not';
  const c = sidesComparison(o, SIDE.floor, SIDE.none);
  return c.ok ? comparisonRow('3a', metric, c.value, NONE, null) : errorRow('3a', metric, NONE, why(c));
}

/**
 * Row 2d (issue 13): what a proof per call adds. Both ratios sit in the ratio column, not in the
 * note, because the Markdown table (which the README shows) carries no notes: beside our bearer
 * call it is the cost of DPoP itself, beside the floor it is our whole per-call cost with DPoP.
 * `dpop` is the profile's set-up, which may fail alone.
 */
export function dpopRow(o: Outcome<ApiSides>, dpop: Outcome<unknown>): TargetRow {
  const id = '2d';
  const metric = 'API call: ours with DPoP vs ours (bearer)';
  if (!dpop.ok) return errorRow(id, metric, NONE, `the DPoP profile could not be set up: ${why(dpop)}`);
  const bearer = sidesComparison(o, SIDE.oursDpop, SIDE.ours);
  const floor = sidesComparison(o, SIDE.oursDpop, SIDE.floor);
  if (!bearer.ok) return errorRow(id, metric, NONE, why(bearer));
  if (!floor.ok) return errorRow(id, metric, NONE, why(floor));
  const b = bearer.value;
  const f = floor.value;
  return {
    id,
    metric,
    median: vs(b.subject.median, b.baseline.median),
    p90: vs(b.subject.p90, b.baseline.p90),
    ratio: `${x(b.ratioMedian)} bearer (${signed(b.deltaMedianMs)}), ${x(f.ratioMedian)} floor (${signed(f.deltaMedianMs)})`,
    goal: NONE,
    pass: null,
    note:
      `same GET /todos (${SEED_TODOS.length} todos) in the same interleaved rounds as 2-2c, against a second IdP + API + app with DPoP on (every token bound, ` +
      'so every 200 carried a proof the API checked); the added cost is the SW signing a fresh proof (ES256, SHA-256 ath) plus the ' +
      `API checking it (ES256 verify, nonce, jti replay cache); p90 vs the floor: ${vs(f.subject.p90, f.baseline.p90)}`,
  };
}

const sizeText = (s: ClientSize) =>
  s.swGzip === null ? `${kb(s.totalGzip)} (no SW)` : `${kb(s.pageGzip)} + SW ${kb(s.swGzip)} = ${kb(s.totalGzip)}`;

export function peerSizeRows(r: PeerSizeReport): TargetRow[] {
  const oursRow: TargetRow = r.ours.ok
    ? {
        id: '6a',
        metric: `ours ${r.ours.value.version}: page client + SW, gzip -9`,
        median: sizeText(r.ours.value),
        p90: NONE,
        ratio: NONE,
        goal: NONE,
        pass: null,
      }
    : errorRow('6a', 'ours: page client + SW, gzip -9', NONE, why(r.ours));
  const peers = r.peers.map(({ id, size }): TargetRow => {
    if (!size.ok) return errorRow(id, 'peer size, gzip -9', NONE, why(size));
    const s = size.value;
    return {
      id,
      metric: `${s.name} ${s.version}, gzip -9`,
      median: sizeText(s),
      p90: NONE,
      ratio: r.ours.ok ? `${x(r.ours.value.totalGzip / s.totalGzip)} ours/peer` : NONE,
      goal: NONE,
      pass: null,
      ...(s.note ? { note: s.note } : {}),
    };
  });
  return [oursRow, ...peers];
}

function loadRow(id: string, metric: string, r: LoadReport, goalMs: number, extra?: string): TargetRow {
  const done = r.runs.filter((run) => run.ms !== null).length;
  const failed = r.runs.filter((run) => run.error).map((run) => run.error);
  const perRun = `${done}/${r.runs.length} finished; per run ms: ${r.runs.map((run) => (run.ms === null ? 'fail' : run.ms.toFixed(0))).join(', ')}`;
  const note = [perRun, extra, ...new Set(failed)].filter(Boolean).join('; ');
  const goal = `<= ${goalMs} ms`;
  if (done === 0) return errorRow(id, metric, goal, note);
  return {
    id,
    metric,
    median: ms(r.summary.median, 0),
    p90: ms(r.summary.p90, 0),
    ratio: x(r.summary.median / goalMs),
    goal,
    pass: done === r.runs.length && r.summary.median <= goalMs,
    note,
  };
}

export function loadRows(o: Outcome<LoadsReport>): TargetRow[] {
  const metrics = {
    first: 'first visit, signed in at the IdP: navigation -> todos',
    repeat: 'repeat visit (SW running): navigation -> todos',
    signIn: 'sign-in round trip: click Sign in -> todos',
  };
  if (!o.ok) {
    return [
      errorRow('7a', metrics.first, `<= ${TARGETS.firstVisitMs} ms`, why(o)),
      errorRow('7b', metrics.repeat, `<= ${TARGETS.repeatVisitMs} ms`, why(o)),
      errorRow('7c', metrics.signIn, `<= ${TARGETS.signInMs} ms`, why(o)),
    ];
  }
  const l = o.value;
  const toSignIn = l.firstVisit.runs.flatMap((run) => (run.toSignInMs === undefined ? [] : [run.toSignInMs.toFixed(0)]));
  return [
    loadRow('7a', metrics.first, l.firstVisit, TARGETS.firstVisitMs, toSignIn.length ? `"Sign in" clicked at ms: ${toSignIn.join(', ')}` : undefined),
    loadRow('7b', metrics.repeat, l.repeatVisit, TARGETS.repeatVisitMs),
    loadRow('7c', metrics.signIn, l.signIn, TARGETS.signInMs),
  ];
}

export function apiLoadRow(o: Outcome<ApiLoadReport>): TargetRow {
  const metric = 'Todo API under load: req/s with token validation vs none';
  const goal = `>= ${TARGETS.apiLoadRatio.toFixed(2)}x`;
  if (!o.ok) return errorRow('8', metric, goal, why(o));
  const r = o.value;
  const s = r.settings;
  const cpu = (c: number) => `${Math.round(c * 100)} %`;
  return {
    id: '8',
    metric,
    median: `${r.validated.rps.median.toFixed(0)} vs ${r.none.rps.median.toFixed(0)} req/s`,
    p90: `latency ${vs(r.validated.latencyMs.p90, r.none.latencyMs.p90)}`,
    ratio: x(r.ratio),
    goal,
    pass: r.ratio >= TARGETS.apiLoadRatio,
    note:
      `GET /todos, ${s.connections} keep-alive connections from ${s.client}; ${s.rounds} rounds of ${s.sliceMs / 1000}s per side, ` +
      `req/s per ${s.windowMs} ms window; ${r.validated.requests} vs ${r.none.requests} requests; load client CPU ${cpu(r.validated.clientCpu)} vs ${cpu(r.none.clientCpu)} of a core`,
  };
}
