import { originsFromEnv } from '../ports.ts';
import { DEMO_USERS, IdpError, idpOptionsFromEnv, startIdp } from './server.ts';

/**
 * Runs the local IdP on its own: `tsx test/stack/idp/main.ts`. Ports from IDP_PORT, APP_PORT,
 * API_PORT; lifetimes and token format from ACCESS_TOKEN_TTL, REFRESH_TOKEN_TTL, SESSION_TTL,
 * ACCESS_TOKEN_FORMAT; keys in KEYS_DIR (default `.keys/`); sessions and tokens in IDP_DATA_FILE
 * (default: memory only).
 */
async function main(): Promise<void> {
  const o = originsFromEnv();
  const keysDir = process.env.KEYS_DIR;
  const idp = await startIdp({
    port: o.idpPort,
    appOrigin: o.appOrigin,
    apiOrigin: o.apiOrigin,
    ...idpOptionsFromEnv(),
    ...(keysDir ? { keysDir } : {}),
  });
  console.log(`IdP listening at ${idp.issuer} (app ${o.appOrigin}, API ${o.apiOrigin})`);
  console.log(`Demo logins: ${DEMO_USERS.map((u) => `${u.username} / ${u.password}`).join(', ')}`);
  const stop = () => {
    idp.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  if (err instanceof IdpError) {
    console.error(`${err.code}: ${err.message}`);
  } else {
    console.error(err instanceof Error ? err.message : String(err));
  }
  process.exit(1);
});
