/** Where a bench result came from: ratios travel between machines better than times do. */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { ROOT } from './stack.ts';

export interface Machine {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly browser: string;
  readonly node: string;
  /** 1, 5 and 15 minute load averages when the run ended (others share this machine). */
  readonly loadAverage: readonly number[];
  readonly gitRev: string;
}

function gitRev(): string {
  try {
    const rev = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { cwd: ROOT, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${rev}+changes` : rev;
  } catch {
    return 'unknown';
  }
}

export function machine(browser: string): Machine {
  const all = cpus();
  return {
    cpus: all.length,
    cpuModel: all[0]?.model.trim() ?? 'unknown',
    browser,
    node: process.version,
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
    gitRev: gitRev(),
  };
}
