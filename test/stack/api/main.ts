/**
 * Runs the Todo API on its own: `node --import tsx test/stack/api/main.ts` (`--help` lists the
 * environment). It can trust any OpenID provider: API_ISSUER, API_AUDIENCE, TOKEN_VALIDATION and
 * API_CLIENT_ID / API_CLIENT_SECRET for introspection; APP_ORIGIN for CORS; TODO_DATA_FILE.
 */
import { exitWithHint, helpRequested } from '../env-help.ts';
import { originsFromEnv, withAppOriginFromEnv } from '../ports.ts';
import { apiOptionsFromEnv, startApi } from './server.ts';

async function main(): Promise<void> {
  helpRequested('api', 'node --import tsx test/stack/api/main.ts: the Todo API alone.');
  const o = withAppOriginFromEnv(originsFromEnv());
  const envOpts = apiOptionsFromEnv();
  const opts = { port: o.apiPort, issuer: o.issuer, appOrigin: o.appOrigin, ...envOpts };
  const api = await startApi(opts).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(`Todo API: port ${o.apiPort} is already in use; set API_PORT to a free port.`, { cause: err });
    }
    throw err;
  });
  console.log(
    `Todo API listening on ${api.origin} (issuer ${opts.issuer}, audience ${opts.audience ?? api.origin}, ` +
      `${opts.validation} validation, CORS for ${o.appOrigin}, ` +
      `${opts.dataFile !== undefined ? `data in ${opts.dataFile}` : 'memory only'})`,
  );
  const stop = (): void => {
    api.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => exitWithHint('api', err));
