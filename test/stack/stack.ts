/**
 * `npm run stack`: the IdP and the Todo API only, for an app served by something else (a static
 * server with `dist/`, nginx, a CDN preview): `APP_ORIGIN=http://localhost:8080 npm run stack`.
 * Redirect URIs and the API's CORS are for APP_ORIGIN; `npm start` stays the one-command dev setup.
 */
import { startBackends, stopOnSignals } from './backends.ts';
import { exitWithHint, helpRequested } from './env-help.ts';
import { DEMO_USERS } from './idp/server.ts';
import { originsFromEnv, withAppOriginFromEnv } from './ports.ts';

async function main(): Promise<void> {
  helpRequested('npm run stack', 'APP_ORIGIN=http://localhost:8080 npm run stack: the IdP and the Todo API for an app served elsewhere.');
  const o = withAppOriginFromEnv(originsFromEnv());
  const backends = await startBackends(o);
  stopOnSignals(() => backends.close());
  console.log(
    [
      '',
      `  For the app at ${o.appOrigin} (register redirect URI ${o.appOrigin}/callback)`,
      `  OpenID (IdP)  ${backends.idp.issuer}`,
      `  Todo API      ${backends.api.origin} (issuer ${backends.apiIssuer}, audience ${backends.apiAudience})`,
      `  Demo logins   ${DEMO_USERS.map((u) => `${u.username} / ${u.password}`).join(', ')}`,
      '',
      '  Ready. Ctrl+C stops both.',
      '',
    ].join('\n'),
  );
}

main().catch((err: unknown) => exitWithHint('npm run stack', err));
