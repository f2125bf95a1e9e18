import { exitWithHint, helpRequested } from '../env-help.ts';
import { originsFromEnv, withAppOriginFromEnv } from '../ports.ts';
import { DEMO_USERS, IdpError, idpOptionsFromEnv, startIdp } from './server.ts';

/**
 * Runs the local IdP on its own: `tsx test/stack/idp/main.ts` (`--help` lists the environment).
 * Ports from IDP_PORT, API_PORT (the audience it mints for) and APP_PORT or APP_ORIGIN; lifetimes,
 * format and switches from the IdP's variables; keys in KEYS_DIR (default `.keys/`); sessions and
 * tokens in IDP_DATA_FILE (default: memory only).
 */
async function main(): Promise<void> {
  helpRequested('idp', 'node --import tsx test/stack/idp/main.ts: the local OpenID provider alone.');
  const o = withAppOriginFromEnv(originsFromEnv());
  const idp = await startIdp({
    port: o.idpPort,
    appOrigin: o.appOrigin,
    apiOrigin: o.apiOrigin,
    ...idpOptionsFromEnv(),
  });
  console.log(`IdP listening at ${idp.issuer} (app ${o.appOrigin}, API ${o.apiOrigin})`);
  console.log(`Demo logins: ${DEMO_USERS.map((u) => `${u.username} / ${u.password}`).join(', ')}`);
  const stop = () => {
    idp.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => exitWithHint('idp', err instanceof IdpError ? new Error(`${err.code}: ${err.message}`) : err));
