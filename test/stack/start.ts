/**
 * `npm start`: the whole app on one machine — local OpenID provider, Todo API and the Vite dev
 * server for the SPA — with the demo logins printed, and all three stopped on Ctrl+C.
 */
import { resolve } from 'node:path';
import { createServer, type ViteDevServer } from 'vite';
import { originsFromEnv } from './ports.ts';
import { startIdp, idpOptionsFromEnv, DEMO_USERS, type RunningIdp } from './idp/server.ts';
import { startApi, apiOptionsFromEnv, type RunningApi } from './api/server.ts';

const root = resolve(import.meta.dirname, '../..');

function portHint(err: unknown, variable: string, port: number): never {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'EADDRINUSE') {
    console.error(`Port ${port} is already in use. Stop whatever uses it, or set ${variable} to another port.`);
  } else {
    console.error(`Could not start (${variable}=${port}): ${err instanceof Error ? err.message : String(err)}`);
  }
  process.exit(1);
}

async function main(): Promise<void> {
  const o = originsFromEnv();
  let idp: RunningIdp | undefined;
  let api: RunningApi | undefined;
  let app: ViteDevServer | undefined;

  const stop = async (): Promise<void> => {
    await Promise.allSettled([app?.close(), api?.close(), idp?.close()]);
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());

  idp = await startIdp({
    // Sessions and refresh tokens survive a restart of `npm start`, as at a real IdP.
    dataFile: resolve(root, '.data/idp-store.json'),
    ...idpOptionsFromEnv(),
    port: o.idpPort,
    appOrigin: o.appOrigin,
    apiOrigin: o.apiOrigin,
  }).catch((e: unknown) => portHint(e, 'IDP_PORT', o.idpPort));
  api = await startApi({
    // Todos survive a restart of `npm start` (the folder is gitignored).
    dataFile: resolve(root, '.data/todos.json'),
    ...apiOptionsFromEnv(),
    port: o.apiPort,
    issuer: o.issuer,
    appOrigin: o.appOrigin,
  }).catch((e: unknown) => portHint(e, 'API_PORT', o.apiPort));
  app = await createServer({ root, configFile: resolve(root, 'vite.config.ts') });
  await app.listen().catch((e: unknown) => portHint(e, 'APP_PORT', o.appPort));

  const users = DEMO_USERS.map((u) => `${u.username} / ${u.password}`).join(', ');
  console.log(
    [
      '',
      `  Todo app      ${o.appOrigin}/`,
      `  OpenID (IdP)  ${o.issuer}`,
      `  Todo API      ${o.apiOrigin}`,
      `  Demo logins   ${users}`,
      '',
      '  Ctrl+C stops all three.',
      '',
    ].join('\n'),
  );
}

void main();
