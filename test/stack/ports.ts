/**
 * The stack's origins, derived from three ports so that every redirect URI and CORS origin stays
 * consistent when tests run on free ports. `localhost` everywhere: it and 127.0.0.1 are different
 * origins and cookie hosts.
 */
export interface StackOrigins {
  readonly idpPort: number;
  readonly apiPort: number;
  readonly appPort: number;
  /** The IdP's issuer identifier (no trailing slash). */
  readonly issuer: string;
  /** The Todo API's origin, also its audience identifier. */
  readonly apiOrigin: string;
  readonly appOrigin: string;
}

export const DEFAULT_PORTS = { idp: 4000, api: 4001, app: 5173 } as const;

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    throw new Error(`${name} must be a TCP port number (1-65535), got "${raw}"`);
  }
  return n;
}

export function originsFor(ports: { idp: number; api: number; app: number }): StackOrigins {
  return {
    idpPort: ports.idp,
    apiPort: ports.api,
    appPort: ports.app,
    issuer: `http://localhost:${ports.idp}`,
    apiOrigin: `http://localhost:${ports.api}`,
    appOrigin: `http://localhost:${ports.app}`,
  };
}

export function originsFromEnv(env: NodeJS.ProcessEnv = process.env): StackOrigins {
  return originsFor({
    idp: port(env, 'IDP_PORT', DEFAULT_PORTS.idp),
    api: port(env, 'API_PORT', DEFAULT_PORTS.api),
    app: port(env, 'APP_PORT', DEFAULT_PORTS.app),
  });
}

/**
 * The app's origin for the IdP and API when the app is served elsewhere (`npm run stack`, or a
 * server run alone): env APP_ORIGIN, else `http://localhost:APP_PORT`. Redirect URIs and CORS
 * derive from it, so it must be an origin exactly: scheme, host, port, nothing else.
 */
export function withAppOriginFromEnv(o: StackOrigins, env: NodeJS.ProcessEnv = process.env): StackOrigins {
  const raw = env['APP_ORIGIN'];
  if (raw === undefined || raw === '') return o;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== raw) {
    throw new Error(
      `APP_ORIGIN must be an origin such as http://localhost:8080 (scheme, host, optional port; no path or trailing slash), got "${raw}"`,
    );
  }
  return { ...o, appOrigin: raw };
}
