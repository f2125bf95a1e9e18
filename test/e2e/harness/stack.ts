/**
 * The whole stack for one test file: the real IdP and Todo API on free ports with short
 * lifetimes, the built app served by `vite preview` with the headers and /config.json a static
 * host serves (or deployed onto nginx with the generated files), and (optionally) the inspecting
 * proxy that the browser sends everything through.
 */
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { preview, type Plugin, type PreviewServer } from 'vite';
import { appPlugin, runtimeConfig } from '../../stack/app-plugin.ts';
import { freePort } from '../../stack/free-port.ts';
import { originsFor, type StackOrigins } from '../../stack/ports.ts';
import { startIdp } from '../../stack/idp/server.ts';
import { startApi } from '../../stack/api/server.ts';
import { buildAppOnce, ROOT } from './app-build.ts';
import { deploy, deploymentDir, startNginx, type Deployment, type RunningNginx } from './nginx.ts';
import { startInspectingProxy, type InspectingProxy } from './proxy.ts';

export interface StackOptions {
  /** Seconds. Default 60: long enough for a slow sign-in, short enough to expire in a test. */
  readonly accessTokenTtl?: number;
  readonly refreshTokenTtl?: number;
  readonly sessionTtl?: number;
  readonly accessTokenFormat?: 'jwt' | 'opaque';
  /** How the API validates tokens (introspection goes with opaque tokens). */
  readonly apiValidation?: 'jwt' | 'introspection';
  /**
   * Host name of the app (default `localhost`). Another name (mapped with Chromium's
   * `--host-resolver-rules`) puts the app on another site than the IdP.
   */
  readonly appHost?: string;
  /** Start the inspecting proxy (launch the browser with `proxy: stack.proxy.server`). */
  readonly proxy?: boolean;
  /**
   * Put another server (a recording server) in the API's place: the app's config lists it as the
   * API with this path prefix, and the IdP mints tokens for it. No Todo API is started.
   */
  readonly apiOverride?: { readonly origin: string; readonly pathPrefix: string };
  /**
   * Let the app and its SW connect to any http origin (`connect-src … http:`): the CSP on sw.js
   * governs the SW's own fetches, and A6 must show that the SW, not the CSP, keeps tokens off
   * other origins.
   */
  readonly relaxConnectSrc?: boolean;
  /**
   * Let the app frame any http origin (`frame-src … http:`), as a weaker deployment would: the
   * attacker-iframe tests must show what holds without the app's own frame-src.
   */
  readonly relaxFrameSrc?: boolean;
  /*
   * Either relax* option serves a build without the offline shell: a shell document gets its
   * headers from the SW (policy module and config), which no server-side relaxation reaches.
   */
  /** Build and serve the app (default true; the harness self-test runs without it). */
  readonly app?: boolean;
  /**
   * `nginx`: deploy dist/ as README "Deploying" says (config.json, `npm run headers`) and serve
   * it with Debian nginx and the generated server block. Default `vite-preview`. The relax* and
   * apiOverride options are for vite-preview only.
   */
  readonly host?: 'vite-preview' | 'nginx';
  /** Serve the app without its security headers (CSP, COOP), as a misconfigured static host would. */
  readonly withoutSecurityHeaders?: boolean;
  /** The IdP keeps sessions and grants in a file, so `idp.stop()` + `idp.start()` is a restart, not a wipe. */
  readonly persistIdp?: boolean;
  /** The local IdP answers prompt=none without id_token_hint with invalid_request (some IdPs do). */
  readonly requireIdTokenHintWithPromptNone?: boolean;
  /** DPoP end to end: the IdP requires it for the SPA (C6) and the app's config says `dpop: true`. */
  readonly dpop?: boolean;
}

/** A server a test can stop (connections refused) and start again on the same port. */
export interface Restartable {
  stop(): Promise<void>;
  start(): Promise<void>;
}

function restartable(run: () => Promise<{ close(): Promise<void> }>): Restartable & { close(): Promise<void> } {
  let running: { close(): Promise<void> } | undefined;
  return {
    async start() {
      running ??= await run();
    },
    async stop() {
      const r = running;
      running = undefined;
      await r?.close();
    },
    async close() {
      await this.stop();
    },
  };
}

export interface Stack {
  readonly origins: StackOrigins;
  readonly proxy: InspectingProxy | undefined;
  readonly idp: Restartable;
  /** Absent with `apiOverride`. */
  readonly api: Restartable | undefined;
  /** With `host: 'nginx'`: the running server (stop/start it to cut the app's origin) and its files. */
  readonly nginx: (RunningNginx & { readonly deployment: Deployment }) | undefined;
  close(): Promise<void>;
}

let keysDir: string | undefined;

/** Runs after appPlugin's middleware: adds `http:` to the given directives of the CSP it set. */
function relaxedCsp(...directiveGroups: string[][]): Plugin {
  const directives = directiveGroups.flat();
  return {
    name: 'e2e-relaxed-csp',
    configurePreviewServer(server) {
      server.middlewares.use((_req, res, next) => {
        let csp = res.getHeader('Content-Security-Policy');
        if (typeof csp === 'string') {
          for (const d of directives) csp = csp.replace(new RegExp(`${d} ([^;]*)`), `${d} $1 http:`);
          res.setHeader('Content-Security-Policy', csp);
        }
        next();
      });
    },
  };
}

/** Runs after appPlugin's middleware: removes what a static host that knows nothing of them drops. */
function withoutSecurityHeaders(): Plugin {
  return {
    name: 'e2e-without-security-headers',
    configurePreviewServer(server) {
      server.middlewares.use((_req, res, next) => {
        res.removeHeader('Content-Security-Policy');
        res.removeHeader('Cross-Origin-Opener-Policy');
        next();
      });
    },
  };
}

/** Serves another /config.json (runs before appPlugin's middleware). */
function configOverride(o: StackOrigins, change: { pathPrefix?: string; dpop?: boolean }): Plugin {
  const config = runtimeConfig(o);
  const body = JSON.stringify({
    ...config,
    ...(change.pathPrefix !== undefined ? { apis: [{ origin: o.apiOrigin, pathPrefix: change.pathPrefix }] } : {}),
    ...(change.dpop ? { dpop: true } : {}),
  });
  return {
    name: 'e2e-config-override',
    configurePreviewServer(server) {
      server.middlewares.use((req, res, next) => {
        if ((req.url ?? '').split('?')[0] !== '/config.json') return next();
        res.setHeader('X-Content-Type-Options', 'nosniff');
        res.setHeader('Content-Type', 'application/json');
        res.setHeader('Cache-Control', 'no-store');
        res.end(body);
      });
    },
  };
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const serveApp = opts.app ?? true;
  const distDir = serveApp ? await buildAppOnce(opts.relaxConnectSrc || opts.relaxFrameSrc ? 'no-shell' : 'shell') : undefined;
  const base = originsFor({ idp: await freePort(), api: await freePort(), app: await freePort() });
  const appHost = opts.appHost ?? 'localhost';
  const apiUrl = opts.apiOverride ? new URL(opts.apiOverride.origin) : undefined;
  const origins: StackOrigins = {
    ...base,
    appOrigin: `http://${appHost}:${base.appPort}`,
    ...(apiUrl ? { apiOrigin: apiUrl.origin, apiPort: Number(apiUrl.port) } : {}),
  };
  const idpKeysDir = (keysDir ??= mkdtempSync(join(tmpdir(), 'e2e-keys-')));

  const closers: (() => Promise<unknown>)[] = [];
  const close = async (): Promise<void> => {
    for (const c of closers.reverse()) await c().catch(() => undefined);
  };
  try {
    const idpDataFile = opts.persistIdp ? join(mkdtempSync(join(tmpdir(), 'e2e-idp-')), 'store.json') : undefined;
    const idp = restartable(() =>
      startIdp({
        port: origins.idpPort,
        appOrigin: origins.appOrigin,
        apiOrigin: origins.apiOrigin,
        accessTokenTtl: opts.accessTokenTtl ?? 60,
        refreshTokenTtl: opts.refreshTokenTtl ?? 600,
        sessionTtl: opts.sessionTtl ?? 600,
        accessTokenFormat: opts.accessTokenFormat ?? 'jwt',
        keysDir: idpKeysDir,
        ...(idpDataFile ? { dataFile: idpDataFile } : {}),
        ...(opts.requireIdTokenHintWithPromptNone ? { requireIdTokenHintWithPromptNone: true } : {}),
        ...(opts.dpop ? { dpop: true } : {}),
      }),
    );
    await idp.start();
    closers.push(() => idp.close());
    // The API keeps its todos in a file, so a stopped and restarted API is the same API.
    const apiDataFile = join(mkdtempSync(join(tmpdir(), 'e2e-api-')), 'todos.json');
    const api = opts.apiOverride
      ? undefined
      : restartable(() =>
          startApi({
            port: origins.apiPort,
            issuer: origins.issuer,
            appOrigin: origins.appOrigin,
            validation: opts.apiValidation ?? 'jwt',
            dataFile: apiDataFile,
          }),
        );
    await api?.start();
    if (api) closers.push(() => api.close());
    let nginx: Stack['nginx'];
    if (distDir !== undefined && opts.host === 'nginx') {
      if (opts.apiOverride || opts.relaxConnectSrc || opts.relaxFrameSrc || opts.dpop || appHost !== 'localhost') {
        throw new Error('host nginx serves the generated headers as they are: no apiOverride, relax*, dpop or appHost');
      }
      const work = deploymentDir();
      closers.push(() => rm(work, { recursive: true, force: true }));
      const deployment = deploy(distDir, runtimeConfig(origins), work);
      const server = await startNginx(deployment, origins.appPort);
      closers.push(() => server.close());
      nginx = { ...server, deployment };
    } else if (distDir !== undefined) {
      const app: PreviewServer = await preview({
        root: ROOT,
        configFile: false,
        logLevel: 'warn',
        plugins: [
          ...(opts.apiOverride || opts.dpop
            ? [
                configOverride(origins, {
                  ...(opts.apiOverride ? { pathPrefix: opts.apiOverride.pathPrefix } : {}),
                  ...(opts.dpop ? { dpop: true } : {}),
                }),
              ]
            : []),
          appPlugin(origins),
          ...(opts.relaxConnectSrc || opts.relaxFrameSrc
            ? [relaxedCsp(opts.relaxConnectSrc ? ['connect-src'] : [], opts.relaxFrameSrc ? ['frame-src'] : [])]
            : []),
          ...(opts.withoutSecurityHeaders ? [withoutSecurityHeaders()] : []),
        ],
        build: { outDir: distDir },
        preview: { port: origins.appPort, strictPort: true, host: 'localhost', allowedHosts: [appHost] },
      });
      closers.push(() => app.close());
    }
    const proxy = opts.proxy ? await startInspectingProxy({ issuer: origins.issuer }) : undefined;
    if (proxy) closers.push(() => proxy.close());
    return { origins, proxy, idp, api, nginx, close };
  } catch (err) {
    await close();
    throw err;
  }
}
