/**
 * Bundles one entry the way the app's build does (Vite 8 / rolldown, the same target, resolve
 * aliases and default minifier as vite.config.ts), in memory. Used to size the peers beside our
 * build and to serve AxaFrance's bundle to the browser: what is sized is what runs.
 */
import { build, type Rolldown } from 'vite';
import appConfig from '../../vite.config.ts';
import { BenchError } from './errors.ts';
import { gzipSize } from './sizes.ts';
import { ROOT } from './stack.ts';

export interface BundledFile {
  readonly name: string;
  readonly code: string;
  readonly raw: number;
  readonly gzip: number;
}

export interface Bundle {
  /** The entry's chunk first, then any chunk it imports. */
  readonly files: readonly BundledFile[];
  readonly raw: number;
  readonly gzip: number;
}

export async function bundle(entry: string, name: string): Promise<Bundle> {
  const result = await build({
    root: ROOT,
    configFile: false,
    logLevel: 'warn',
    publicDir: false,
    ...(appConfig.resolve ? { resolve: appConfig.resolve } : {}),
    build: {
      target: appConfig.build?.target ?? 'es2022',
      write: false,
      modulePreload: { polyfill: false },
      rolldownOptions: {
        input: { [name]: entry },
        output: { entryFileNames: '[name].js', chunkFileNames: `${name}-[name]-[hash].js` },
      },
    },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[];
  const chunks = outputs.flatMap((o) => o.output).filter((o): o is Rolldown.OutputChunk => o.type === 'chunk');
  if (chunks.length === 0) throw new BenchError('BUILD_OUTPUT_MISSING', `bundling ${entry} produced no JavaScript`);
  chunks.sort((a, b) => Number(b.isEntry) - Number(a.isEntry));
  const files = chunks.map((c) => ({ name: c.fileName, code: c.code, raw: Buffer.byteLength(c.code), gzip: gzipSize(c.code) }));
  return { files, raw: files.reduce((a, f) => a + f.raw, 0), gzip: files.reduce((a, f) => a + f.gzip, 0) };
}
