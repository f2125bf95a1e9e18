/**
 * Builds the app for the e2e suites. The build does not depend on ports (the SW reads
 * /config.json at run time), so one build serves every stack. Each test file runs in its own
 * process: the build is reused across them while the sources it is made from are unchanged.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'vite';

export const ROOT = resolve(import.meta.dirname, '../../..');
/** Builds live in `dist-e2e/<sources hash>/`: concurrent runs never build into one folder. */
export const E2E_OUT_DIR = resolve(ROOT, 'dist-e2e');
/** Builds of older sources are removed once this old (a concurrent run may still serve one). */
const STALE_MS = 30 * 60_000;
const INPUTS = ['index.html', 'vite.config.ts', 'package.json', 'src', 'sw', 'public'];

function sourcesHash(): string {
  const h = createHash('sha256');
  const add = (p: string): void => {
    if (!existsSync(p)) return;
    if (statSync(p).isDirectory()) {
      for (const e of readdirSync(p).sort()) add(join(p, e));
    } else {
      h.update(p).update(readFileSync(p));
    }
  };
  for (const i of INPUTS) add(join(ROOT, i));
  return h.digest('hex');
}

/** `no-shell`: a SW without the offline shell (see deploy/precache-plugin.ts PrecacheOptions). */
export type BuildVariant = 'shell' | 'no-shell';

const built = new Map<BuildVariant, Promise<string>>();
/** Builds run one at a time: the variant travels in process.env while vite.config.ts loads. */
let queue: Promise<unknown> = Promise.resolve();

export function buildAppOnce(variant: BuildVariant = 'shell'): Promise<string> {
  let p = built.get(variant);
  if (!p) {
    p = queue.then(() => buildVariant(variant));
    queue = p.catch(() => undefined);
    built.set(variant, p);
  }
  return p;
}

async function buildVariant(variant: BuildVariant): Promise<string> {
  const sources = sourcesHash().slice(0, 16);
  const hash = `${sources}${variant === 'shell' ? '' : `-${variant}`}`;
  const dir = join(E2E_OUT_DIR, hash);
  if (existsSync(join(dir, 'index.html'))) return dir;
  mkdirSync(E2E_OUT_DIR, { recursive: true });
  const tmp = join(E2E_OUT_DIR, `${hash}.tmp-${process.pid}`);
  const previous = process.env['SW_SHELL'];
  process.env['SW_SHELL'] = variant === 'shell' ? 'on' : 'off';
  try {
    await build({
      root: ROOT,
      configFile: resolve(ROOT, 'vite.config.ts'),
      logLevel: 'warn',
      build: { outDir: tmp, emptyOutDir: true },
    });
  } finally {
    if (previous === undefined) delete process.env['SW_SHELL'];
    else process.env['SW_SHELL'] = previous;
  }
  // Another process may have finished the same build first: keep theirs.
  if (existsSync(dir)) rmSync(tmp, { recursive: true, force: true });
  else renameSync(tmp, dir);
  for (const e of readdirSync(E2E_OUT_DIR)) {
    const p = join(E2E_OUT_DIR, e);
    if (!e.startsWith(sources) && Date.now() - statSync(p).mtimeMs > STALE_MS) rmSync(p, { recursive: true, force: true });
  }
  return dir;
}
