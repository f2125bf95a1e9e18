/**
 * The soak's verdict: what the API stored, counted by title against what the user wrote, the
 * printed table, and bench/results/soak.json + soak.md. The store is read over HTTP as the user
 * with a token of its own (another device), so the count does not depend on the page under test.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StackOrigins } from '../stack/ports.ts';
import type { TokenExchange } from '../e2e/harness/proxy.ts';
import { apiAsUser } from '../e2e/ui/api-as-user.ts';
import type { FaultKind } from './faults.ts';
import type { SeenEvent } from './observer.ts';
import type { Skipped, Write } from './writer.ts';
import { markdownTable, textTable } from '../bench/table.ts';

export interface FaultRecord {
  readonly n: number;
  readonly kind: FaultKind;
  /** s since the start, when the fault began. */
  readonly atS: number;
  /** How long the server or network was down (0: a SW stop). */
  readonly downMs: number;
  readonly triggered: boolean;
  readonly note?: string;
  /** What the proxy saw of the aftermath (faults.ts Injected.evidence). */
  readonly evidence?: string;
  /** ms from the fault's end until a write made since then was saved on a healthy screen; null: never. */
  readonly recoveredMs: number | null;
}

export interface StoreCount {
  readonly stored: number;
  readonly duplicates: number;
  readonly lost: number;
  readonly lostTitles: readonly string[];
  readonly duplicateTitles: readonly string[];
  /** Titles the API holds that the writer never made (should be none). */
  readonly unexpectedTitles: readonly string[];
  /** Writes whose Enter failed and which the API does not hold: reported, not counted as lost. */
  readonly uncertainMissing: readonly string[];
}

export interface SoakResult {
  readonly when: string;
  readonly seed: number;
  readonly settings: { readonly durationS: number; readonly accessTokenTtlS: number };
  readonly ranS: number;
  /** `savedAtMs`: when the screen first showed it saved (null: never). */
  readonly writes: readonly (Write & { readonly savedAtMs: number | null })[];
  readonly skipped: readonly Skipped[];
  readonly store: StoreCount;
  readonly faults: readonly FaultRecord[];
  readonly errors: readonly SeenEvent[];
  readonly signOuts: readonly SeenEvent[];
  readonly swSignedOut: readonly SeenEvent[];
  readonly pageErrors: readonly SeenEvent[];
  readonly pageLoads: readonly SeenEvent[];
  /**
   * Refresh requests that sent a refresh token the IdP had already accepted (rotated): the IdP
   * would revoke the grant for that. Counted only; the tokens themselves are never written out.
   */
  readonly refreshTokensReused: number;
  /** ms the app took to settle after the last fault (null: it never did). */
  readonly finalRecoveryMs: number | null;
  readonly machine: unknown;
}

export async function readStoredTitles(o: StackOrigins): Promise<string[]> {
  const api = await apiAsUser(o, 'alice');
  return (await api.list()).map((t) => t.title);
}

export function countStore(writes: readonly Write[], storedTitles: readonly string[]): StoreCount {
  const copies = new Map<string, number>();
  for (const t of storedTitles) copies.set(t, (copies.get(t) ?? 0) + 1);
  const made = new Set(writes.map((w) => w.title));
  const lostTitles: string[] = [];
  const uncertainMissing: string[] = [];
  for (const w of writes) if (!copies.has(w.title)) (w.uncertain ? uncertainMissing : lostTitles).push(w.title);
  const duplicateTitles = [...copies].filter(([, c]) => c > 1).map(([t]) => t);
  return {
    stored: writes.filter((w) => copies.has(w.title)).length,
    duplicates: [...copies.values()].reduce((sum, c) => sum + c - 1, 0),
    lost: lostTitles.length,
    lostTitles,
    duplicateTitles,
    unexpectedTitles: [...copies.keys()].filter((t) => !made.has(t)),
    uncertainMissing,
  };
}

/** A fault whose moment never came still counts: the app must come back from whatever it did. */
export function countRefreshReuse(exchanges: readonly TokenExchange[]): number {
  const accepted = new Set<string>();
  let reused = 0;
  for (const x of exchanges) {
    const rt = x.request.get('grant_type') === 'refresh_token' ? x.request.get('refresh_token') : null;
    if (rt === null) continue;
    if (accepted.has(rt)) reused++;
    if (x.status === 200) accepted.add(rt);
  }
  return reused;
}

const unrecovered = (r: SoakResult) => r.faults.filter((f) => f.recoveredMs === null);

/** The issue's target: 0 lost, 0 duplicates, 0 sign-outs, every fault recovered. */
export function passed(r: SoakResult): boolean {
  return (
    r.store.lost === 0 &&
    r.store.duplicates === 0 &&
    r.store.unexpectedTitles.length === 0 &&
    r.signOuts.length === 0 &&
    r.swSignedOut.length === 0 &&
    unrecovered(r).length === 0 &&
    r.finalRecoveryMs !== null
  );
}

const s1 = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const judge = (ok: boolean) => (ok ? 'PASS' : 'MISS');

type Row = readonly [metric: string, value: string, target: string, result: string];

function summaryRows(r: SoakResult): Row[] {
  const uncertain = r.writes.filter((w) => w.uncertain).length;
  const triggered = r.faults.filter((f) => f.triggered);
  // Never recovered counts as the longest.
  const took = (f: FaultRecord | undefined) => (f === undefined ? -1 : (f.recoveredMs ?? Infinity));
  const slowest = r.faults.reduce<FaultRecord | undefined>((a, f) => (took(f) > took(a) ? f : a), undefined);
  const made = `${r.writes.length}${uncertain ? ` (${uncertain} uncertain)` : ''}${r.skipped.length ? `, ${r.skipped.length} could not be typed` : ''}`;
  const bad = unrecovered(r).length;
  return [
    ['writes made', made, '-', ''],
    ['writes stored', String(r.store.stored), `${r.writes.length - uncertain}+`, judge(r.store.stored >= r.writes.length - uncertain)],
    ['duplicates', String(r.store.duplicates), '0', judge(r.store.duplicates === 0)],
    ['lost', String(r.store.lost), '0', judge(r.store.lost === 0)],
    ['user-visible errors', String(r.errors.length), '-', ''],
    ['sign-outs', `${r.signOuts.length} (SW said signed-out: ${r.swSignedOut.length})`, '0', judge(r.signOuts.length + r.swSignedOut.length === 0)],
    [
      'faults recovered',
      `${r.faults.length - bad}/${r.faults.length}${r.faults.length > triggered.length ? ` (${r.faults.length - triggered.length} not triggered)` : ''}`,
      'all',
      judge(bad === 0),
    ],
    [
      'longest time to recover',
      slowest
        ? slowest.recoveredMs === null
          ? `never (${slowest.kind} #${slowest.n})`
          : `${s1(slowest.recoveredMs)} (${slowest.kind} #${slowest.n})`
        : '-',
      '-',
      '',
    ],
    ['settled after the last fault', r.finalRecoveryMs === null ? 'never' : s1(r.finalRecoveryMs), 'yes', judge(r.finalRecoveryMs !== null)],
  ];
}

function faultRows(r: SoakResult): Row[] {
  return r.faults.map((f) => [
    `#${f.n} ${f.kind}`,
    `at ${f.atS.toFixed(0)} s${f.downMs ? `, down ${s1(f.downMs)}` : ''}`,
    `${f.triggered ? '' : 'not triggered; '}${f.recoveredMs === null ? 'never recovered' : `recovered in ${s1(f.recoveredMs)}`}`,
    judge(f.recoveredMs !== null),
  ]);
}

const text = (rows: readonly Row[], header: Row): string => textTable(header, rows);
const markdown = (rows: readonly Row[], header: Row): string => markdownTable(header, rows);

const SUMMARY: Row = ['metric', 'value', 'target', 'result'];
const FAULTS: Row = ['fault', 'when', 'outcome', 'result'];

function details(r: SoakResult): string[] {
  const list = (what: string, xs: readonly SeenEvent[]) => xs.map((e) => `  ${what} at ${s1(e.atMs)} during ${e.during}: ${e.what}`);
  return [
    ...r.faults.flatMap((f) => (f.note || f.evidence ? [`  #${f.n} ${f.kind}: ${[f.note, f.evidence].filter(Boolean).join('; ')}`] : [])),
    ...(r.refreshTokensReused ? [`  refresh tokens sent again after the IdP had accepted them: ${r.refreshTokensReused}`] : []),
    ...r.store.lostTitles.map((t) => `  lost: ${t}`),
    ...r.store.duplicateTitles.map((t) => `  duplicated: ${t}`),
    ...r.store.unexpectedTitles.map((t) => `  stored but never written: ${t}`),
    ...r.store.uncertainMissing.map((t) => `  not stored (Enter itself failed, not counted): ${t}`),
    ...list('error', r.errors),
    ...list('sign-out', r.signOuts),
    ...list('SW signed-out message', r.swSignedOut),
    ...list('page error', r.pageErrors),
    ...list('page load', r.pageLoads),
  ];
}

export function formatReport(r: SoakResult): string {
  const d = details(r);
  return [
    text(summaryRows(r), SUMMARY),
    '',
    text(faultRows(r), FAULTS),
    ...(d.length ? ['', 'details:', ...d] : []),
    '',
    `seed ${r.seed} (replay: SOAK_SEED=${r.seed} SOAK_S=${r.settings.durationS} SOAK_TTL=${r.settings.accessTokenTtlS}), ran ${r.ranS.toFixed(0)} s: ${passed(r) ? 'PASS' : 'MISS'}`,
  ].join('\n');
}

/** Writes bench/results/soak.json and soak.md; returns the folder. */
export function writeResults(root: string, r: SoakResult, machineLine: string): string {
  const dir = join(root, 'bench/results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'soak.json'), `${JSON.stringify({ ...r, passed: passed(r) }, null, 2)}\n`);
  const md = [
    `Soak: seed ${r.seed}, ${r.settings.durationS} s asked (ran ${r.ranS.toFixed(0)} s), access tokens ${r.settings.accessTokenTtlS} s: **${passed(r) ? 'PASS' : 'MISS'}**`,
    '',
    markdown(summaryRows(r), SUMMARY),
    '',
    markdown(faultRows(r), FAULTS),
    '',
    machineLine,
    '',
  ].join('\n');
  writeFileSync(join(dir, 'soak.md'), md);
  return dir;
}
