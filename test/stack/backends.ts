/**
 * The IdP and the Todo API as `npm start` and `npm run stack` run them: ports and the app origin
 * from the environment, data that survives a restart in `.data/` (gitignored), and an error that
 * names the variable to change when a port is taken or a setting is wrong.
 */
import { resolve } from 'node:path';
import { apiOptionsFromEnv, startApi, type RunningApi } from './api/server.ts';
import { idpOptionsFromEnv, startIdp, type RunningIdp } from './idp/server.ts';
import type { StackOrigins } from './ports.ts';

export const ROOT = resolve(import.meta.dirname, '../..');

export interface Backends {
  readonly idp: RunningIdp;
  readonly api: RunningApi;
  /** The issuer the API trusts and the audience it requires (env API_ISSUER / API_AUDIENCE or the local IdP's). */
  readonly apiIssuer: string;
  readonly apiAudience: string;
  close(): Promise<void>;
}

/** @throws Error with a message that names the variable to change */
export async function startBackends(o: StackOrigins, env: NodeJS.ProcessEnv = process.env): Promise<Backends> {
  const apiEnv = apiOptionsFromEnv(env);
  const idpEnv = idpOptionsFromEnv(env);
  // The local IdP mints tokens for the audience the API requires.
  const audience = apiEnv.audience ?? o.apiOrigin;
  const idp = await startIdp({
    // Sessions and refresh tokens survive a restart, as at a real IdP.
    dataFile: resolve(ROOT, '.data/idp-store.json'),
    ...idpEnv,
    port: o.idpPort,
    appOrigin: o.appOrigin,
    apiOrigin: audience,
  });
  let api: RunningApi;
  try {
    api = await startApi({
      // Todos survive a restart too.
      dataFile: resolve(ROOT, '.data/todos.json'),
      ...apiEnv,
      issuer: apiEnv.issuer ?? o.issuer,
      audience,
      port: o.apiPort,
      appOrigin: o.appOrigin,
    });
  } catch (err) {
    await idp.close();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(`Todo API: port ${o.apiPort} on localhost is already in use; set API_PORT to another port`, { cause: err });
    }
    throw err;
  }
  return {
    idp,
    api,
    apiIssuer: apiEnv.issuer ?? o.issuer,
    apiAudience: audience,
    close: async () => {
      await Promise.allSettled([api.close(), idp.close()]);
    },
  };
}

/** Stops everything on Ctrl+C or SIGTERM, then exits. */
export function stopOnSignals(stop: () => Promise<unknown>): void {
  const onSignal = (): void => {
    stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
}
