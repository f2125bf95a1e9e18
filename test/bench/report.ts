/** The target rows, the printed table and the JSON written to bench/results/latest.json. */

export interface TargetRow {
  readonly id: string;
  readonly metric: string;
  readonly measured: string;
  readonly target: string;
  /** null: not measured (see `note`). */
  readonly pass: boolean | null;
  readonly note?: string;
}

export const KB = 1024;

export const TARGETS = {
  pageGzipKb: 14,
  totalGzipKb: 34,
  apiOverheadMs: 1,
  /** "Adds nothing": a median ratio within this of 1 is counted as nothing (noise allowance). */
  unownedRatio: 1.05,
  refreshes: 1,
  recoveryMs: 500,
} as const;

export const kb = (bytes: number): string => `${(bytes / KB).toFixed(2)} KB`;

export function formatTable(rows: readonly TargetRow[]): string {
  const header = ['', 'metric', 'measured', 'target', 'result'];
  const body = rows.map((r) => [r.id, r.metric, r.measured, r.target, r.pass === null ? 'n/a' : r.pass ? 'PASS' : 'MISS']);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  const notes = rows.filter((r) => r.note).map((r) => `  ${r.id}: ${r.note}`);
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line), ...(notes.length ? ['', 'notes:', ...notes] : [])].join('\n');
}
