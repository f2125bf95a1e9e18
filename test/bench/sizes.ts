/**
 * Shipped JavaScript, gzip -9: the page's chunks (the module scripts index.html loads and
 * everything they import, statically or dynamically) and the SW's (`sw.js` and its imports).
 * What the page needs before its first render is the static-import graph of its entry; what it
 * loads on demand (`import()`) comes after. A chunk both import counts once in the total.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, posix } from 'node:path';
import { gzipSync } from 'node:zlib';
import { BenchError } from './errors.ts';

export interface ChunkSize {
  readonly file: string;
  readonly raw: number;
  readonly gzip: number;
}

export interface SizeReport {
  readonly page: readonly ChunkSize[];
  readonly sw: readonly ChunkSize[];
  /** JS files in the build that neither graph reaches (listed, not counted). */
  readonly unreachable: readonly string[];
  readonly pageGzip: number;
  /** The entry's static-import graph: what loads before the first render (the 14 KB goal). */
  readonly pageFirstRenderGzip: number;
  readonly swGzip: number;
  readonly totalGzip: number;
}

const IMPORT_RE = /(?:\bfrom\s*|\bimport\s*\(?\s*)["'`]([^"'`]+\.js)["'`]/g;
/** `import x from "…"`, `export … from "…"`, `import "…"`: not `import("…")`. */
const STATIC_IMPORT_RE = /(?:\bfrom\s*|\bimport\s*)["'`]([^"'`]+\.js)["'`]/g;

export const gzipSize = (code: string | Uint8Array): number => gzipSync(code, { level: 9 }).length;

/** Build-relative paths (`assets/x.js`) reachable from `entries`. */
function graph(distDir: string, entries: readonly string[], imports: RegExp = IMPORT_RE): Set<string> {
  const seen = new Set<string>();
  const queue = [...entries];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    const abs = join(distDir, file);
    if (!existsSync(abs)) throw new BenchError('BUILD_OUTPUT_MISSING', `${file} is referenced but not in the build`);
    seen.add(file);
    for (const m of readFileSync(abs, 'utf8').matchAll(imports)) {
      const spec = m[1]!;
      if (/^[a-z]+:/i.test(spec)) continue;
      const resolved = spec.startsWith('/') ? spec.slice(1) : posix.normalize(posix.join(posix.dirname(file), spec));
      queue.push(resolved);
    }
  }
  return seen;
}

function listJs(distDir: string, dir = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(distDir, dir), { withFileTypes: true })) {
    const rel = dir ? `${dir}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...listJs(distDir, rel));
    else if (e.name.endsWith('.js')) out.push(rel);
  }
  return out;
}

export function measureSizes(distDir: string): SizeReport {
  const html = readFileSync(join(distDir, 'index.html'), 'utf8');
  const pageEntries = [...html.matchAll(/<script[^>]*\bsrc="([^"]+\.js)"/g)].map((m) => m[1]!.replace(/^\//, ''));
  if (pageEntries.length === 0) throw new BenchError('BUILD_OUTPUT_MISSING', 'index.html loads no script');
  if (!existsSync(join(distDir, 'sw.js'))) throw new BenchError('BUILD_OUTPUT_MISSING', 'the build has no sw.js');
  const pageFiles = graph(distDir, pageEntries);
  const swFiles = graph(distDir, ['sw.js']);
  const size = (file: string): ChunkSize => {
    const buf = readFileSync(join(distDir, file));
    return { file, raw: buf.length, gzip: gzipSize(buf) };
  };
  const page = [...pageFiles].sort().map(size);
  const sw = [...swFiles].sort().map(size);
  const all = new Set([...pageFiles, ...swFiles]);
  const sum = (xs: readonly ChunkSize[]) => xs.reduce((a, c) => a + c.gzip, 0);
  return {
    page,
    sw,
    unreachable: listJs(distDir).filter((f) => !all.has(f)),
    pageGzip: sum(page),
    pageFirstRenderGzip: sum([...graph(distDir, pageEntries, STATIC_IMPORT_RE)].map(size)),
    swGzip: sum(sw),
    totalGzip: sum([...all].map(size)),
  };
}
