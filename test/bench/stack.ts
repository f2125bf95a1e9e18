/**
 * The real stack for one bench run: the app built once into a temporary folder, the IdP and the
 * Todo API on free ports, and the build served by `vite preview` with the app's headers and
 * /config.json (appPlugin), plus the bench's own files at the app origin (bench-routes.ts). A run
 * starts two: the main one (bearer) and one with DPoP on for row 2d.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build, preview } from 'vite';
import { appPlugin } from '../stack/app-plugin.ts';
import { freePort } from '../stack/free-port.ts';
import { originsFor, type StackOrigins } from '../stack/ports.ts';
import { startApi, type RunningApi } from '../stack/api/server.ts';
import { startIdp, type RunningIdp } from '../stack/idp/server.ts';
import { BenchRoutes } from './bench-routes.ts';

export const ROOT = resolve(import.meta.dirname, '../..');

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
  /** Add files here to serve them at the app origin (the server consults it per request). */
  readonly routes: BenchRoutes;
  /** Restarts the IdP on the same port (same keys, so the API's cached JWKS stays valid). */
  restartIdp(accessTokenTtl: number): Promise<void>;
  close(): Promise<void>;
}

export interface StackOptions {
  /**
   * DPoP end to end (row 2d): the IdP requires proofs from the SPA and binds every token it
   * issues, and /config.json says `dpop: true`. The API checks proofs on bound tokens either way.
   * A stack of its own: such an IdP would refuse the proof-less code flow that gives the no-SW
   * page and the floor their bearer token, and the API trusts one issuer and one app origin.
   */
  readonly dpop?: boolean;
}

export async function startStack(distDir: string, accessTokenTtl: number, opts: StackOptions = {}): Promise<Stack> {
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
      ...(opts.dpop ? { dpop: true } : {}),
    });
  const routes = new BenchRoutes();
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
      plugins: [appPlugin(origins, opts.dpop ? { dpop: true } : {}), routes.plugin()],
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
    routes,
    async restartIdp(ttl) {
      await idp?.close();
      idp = undefined;
      idp = await startTheIdp(ttl);
    },
    close,
  };
}

/** Todos every signed-in page shows: "todos rendered" means these are on screen. */
export const SEED_TODOS = ['Buy oat milk', 'Call the plumber', 'Renew the passport', 'Book the dentist', 'Water the plants'] as const;

/** Creates SEED_TODOS for the token's user through the API itself. */
export async function seedTodos(apiOrigin: string, accessToken: string): Promise<void> {
  for (const title of SEED_TODOS) {
    const res = await fetch(`${apiOrigin}/todos`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${accessToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ title }),
    });
    if (res.status !== 201) throw new Error(`seeding todos: POST /todos answered ${res.status}`);
  }
}
