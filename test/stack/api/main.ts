/**
 * Runs the Todo API on its own: `node --import tsx test/stack/api/main.ts`.
 * Ports from IDP_PORT / API_PORT / APP_PORT; TOKEN_VALIDATION, API_CLIENT_SECRET, TODO_DATA_FILE.
 */
import { originsFromEnv } from '../ports.ts';
import { apiOptionsFromEnv, startApi, type RunningApi } from './server.ts';

async function main(): Promise<void> {
  const o = originsFromEnv();
  const envOpts = apiOptionsFromEnv();
  let api: RunningApi;
  try {
    api = await startApi({ port: o.apiPort, issuer: o.issuer, appOrigin: o.appOrigin, ...envOpts });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      console.error(`Todo API: port ${o.apiPort} is already in use; set API_PORT to a free port.`);
      process.exit(1);
    }
    throw err;
  }
  console.log(
    `Todo API listening on ${api.origin} (issuer ${o.issuer}, ${envOpts.validation ?? 'jwt'} validation, ` +
      `${envOpts.dataFile !== undefined ? `data in ${envOpts.dataFile}` : 'memory only'})`,
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

main().catch((err: unknown) => {
  console.error(`Todo API failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
