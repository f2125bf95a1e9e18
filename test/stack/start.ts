/**
 * `npm start`: the whole app on one machine — local OpenID provider, Todo API and the Vite dev
 * server for the SPA — with the demo logins printed, and all three stopped on Ctrl+C.
 */
import { resolve } from 'node:path';
import { createServer } from 'vite';
import { ROOT, startBackends, stopOnSignals } from './backends.ts';
import { exitWithHint, helpRequested } from './env-help.ts';
import { DEMO_USERS } from './idp/server.ts';
import { originsFromEnv } from './ports.ts';

async function main(): Promise<void> {
  helpRequested('npm start', 'npm start: the IdP, the Todo API and the app (Vite dev server), with data in .data/.');
  if (process.env['APP_ORIGIN']) {
    throw new Error('APP_ORIGIN is for `npm run stack` (an app served elsewhere); npm start serves the app itself on APP_PORT');
  }
  const o = originsFromEnv();
  const backends = await startBackends(o);
  const app = await createServer({ root: ROOT, configFile: resolve(ROOT, 'vite.config.ts') });
  stopOnSignals(() => Promise.allSettled([app.close(), backends.close()]));
  await app.listen().catch(async (err: unknown) => {
    await backends.close();
    throw new Error(`The app: port ${o.appPort} is already in use or cannot be opened; set APP_PORT to another port`, { cause: err });
  });

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

main().catch((err: unknown) => exitWithHint('npm start', err));
