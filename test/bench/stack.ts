/**
 * The real stack for one bench run: the app built once into a temporary folder, the IdP and the
 * Todo API on free ports, and the build served by `vite preview` with the app's headers and
 * /config.json (appPlugin), plus a quiet bench page at the app origin.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build, preview, type Plugin } from 'vite';
import { appPlugin } from '../stack/app-plugin.ts';
import { freePort } from '../stack/free-port.ts';
import { originsFor, type StackOrigins } from '../stack/ports.ts';
import { startApi, type RunningApi } from '../stack/api/server.ts';
import { startIdp, type RunningIdp } from '../stack/idp/server.ts';

export const ROOT = resolve(import.meta.dirname, '../..');

/**
 * A page with no script of its own: timing loops run here so that the app's rendering and
 * timers do not share the event loop with the fetches we time. Under the SW's scope, so in a
 * profile where the SW is registered it is controlled; in a fresh profile it is not.
 */
export const BENCH_PAGE_PATH = '/__bench/blank.html';
const BENCH_PAGE = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>bench</title></head><body></body></html>';

function benchPagePlugin(): Plugin {
  return {
    name: 'bench-page',
    configurePreviewServer(server) {
      server.middlewares.use((req, res, next) => {
        if ((req.url ?? '').split('?')[0] !== BENCH_PAGE_PATH) return next();
        res.setHeader('Content-Type', 'text/html; charset=utf-8');
        res.setHeader('Cache-Control', 'no-store');
        res.end(BENCH_PAGE);
      });
    },
  };
}

export async function buildApp(): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'bench-dist-'));
  await build({
    root: ROOT,
    configFile: resolve(ROOT, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
  return outDir;
}

export interface Stack {
  readonly origins: StackOrigins;
  readonly keysDir: string;
  /** Restarts the IdP on the same port (same keys, so the API's cached JWKS stays valid). */
  restartIdp(accessTokenTtl: number): Promise<void>;
  close(): Promise<void>;
}

export async function startStack(distDir: string, accessTokenTtl: number): Promise<Stack> {
  const origins = originsFor({ idp: await freePort(), api: await freePort(), app: await freePort() });
  const keysDir = mkdtempSync(join(tmpdir(), 'bench-keys-'));
  const startTheIdp = (ttl: number) =>
    startIdp({
      port: origins.idpPort,
      appOrigin: origins.appOrigin,
      apiOrigin: origins.apiOrigin,
      accessTokenTtl: ttl,
      refreshTokenTtl: 600,
      sessionTtl: 600,
      accessTokenFormat: 'jwt',
      keysDir,
    });
  let idp: RunningIdp | undefined;
  let api: RunningApi | undefined;
  let app: Awaited<ReturnType<typeof preview>> | undefined;
  const close = async () => {
    await app?.close().catch(() => undefined);
    await api?.close().catch(() => undefined);
    await idp?.close().catch(() => undefined);
    rmSync(keysDir, { recursive: true, force: true });
  };
  try {
    idp = await startTheIdp(accessTokenTtl);
    api = await startApi({ port: origins.apiPort, issuer: origins.issuer, appOrigin: origins.appOrigin, validation: 'jwt' });
    app = await preview({
      root: ROOT,
      configFile: false,
      logLevel: 'warn',
      plugins: [appPlugin(origins), benchPagePlugin()],
      build: { outDir: distDir },
      preview: { port: origins.appPort, strictPort: true, host: 'localhost' },
    });
  } catch (err) {
    await close();
    throw err;
  }
  return {
    origins,
    keysDir,
    async restartIdp(ttl) {
      await idp?.close();
      idp = undefined;
      idp = await startTheIdp(ttl);
    },
    close,
  };
}
