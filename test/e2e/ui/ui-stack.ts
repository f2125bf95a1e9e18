/**
 * The harness stack with a Todo API this suite can stop and start again on the same port.
 * `startStack` owns its API and does not expose it, so the stack is started with `apiOverride`
 * (the app's config and the IdP's audience point at a port reserved here) and the real API
 * (test/stack/api) is run by this module. Its todos live in a temporary data file, so a restart
 * keeps them, as a real outage would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApi, type RunningApi } from '../../stack/api/server.ts';
import { freePort } from '../../stack/free-port.ts';
import type { StackOrigins } from '../../stack/ports.ts';
import { startStack, type Stack } from '../harness/stack.ts';

export interface RestartableApi {
  /** True while the API is listening. */
  readonly running: boolean;
  /** Closes the API server (open connections included): the browser gets a network error. */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same data. */
  start(): Promise<void>;
}

export interface UiStack {
  readonly origins: StackOrigins;
  readonly api: RestartableApi;
  close(): Promise<void>;
}

export interface UiStackOptions {
  /** Host name the app is served from (default `localhost`); see StackOptions.appHost. */
  readonly appHost?: string;
}

export async function startUiStack(opts: UiStackOptions = {}): Promise<UiStack> {
  const apiPort = await freePort();
  const stack: Stack = await startStack({
    apiOverride: { origin: `http://localhost:${apiPort}`, pathPrefix: '/' },
    ...(opts.appHost === undefined ? {} : { appHost: opts.appHost }),
  });
  const dataDir = mkdtempSync(join(tmpdir(), 'e2e-ui-todos-'));
  const o = stack.origins;
  let server: RunningApi | undefined;

  const api: RestartableApi = {
    get running() {
      return server !== undefined;
    },
    async stop() {
      const s = server;
      server = undefined;
      await s?.close();
    },
    async start() {
      if (server) return;
      try {
        server = await startApi({ port: apiPort, issuer: o.issuer, appOrigin: o.appOrigin, dataFile: join(dataDir, 'todos.json') });
      } catch (err) {
        throw new Error(`Todo API could not listen on localhost:${apiPort} again (port taken meanwhile?)`, { cause: err });
      }
    },
  };

  try {
    await api.start();
  } catch (err) {
    await stack.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  return {
    origins: o,
    api,
    close: async () => {
      await api.stop().catch(() => undefined);
      await stack.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
