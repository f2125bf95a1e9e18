import { createServer, type Server } from 'node:http';
import Provider, { type Adapter, type ProviderContext } from 'oidc-provider';
import { loadOrCreateKeys } from './keys.ts';
import { API_CLIENT, providerConfiguration } from './config.ts';
import { AdapterFileError, openFileAdapter } from './file-adapter.ts';
import { createMemoryAdapterFactory } from './memory-adapter.ts';
import { DEFAULT_KEYS_DIR, DEFAULTS, IdpError, type IdpOptions } from './options.ts';
import { handleInteraction, INTERACTION_PREFIX } from './interactions.ts';
import { ASSET_PREFIX, ASSETS, errorPage, pageHeaders } from './pages.ts';

export { API_CLIENT, SPA_CLIENT_ID } from './config.ts';
export { DEFAULT_KEYS_DIR, IdpError, idpOptionsFromEnv, type IdpErrorCode, type IdpOptions } from './options.ts';
export { DEMO_USERS, type DemoUser } from './accounts.ts';

export interface RunningIdp {
  issuer: string;
  port: number;
  close(): Promise<void>;
}

function errorDetails(err: unknown): { status: number; error: string; description?: string } {
  const e = err as { expose?: boolean; status?: number; error?: string; error_description?: string };
  if (e.expose === true && typeof e.error === 'string') {
    return { status: e.status ?? 400, error: e.error, ...(e.error_description ? { description: e.error_description } : {}) };
  }
  return { status: 500, error: 'server_error' };
}

function basicClientId(header: string | undefined): string | undefined {
  const m = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header ?? '');
  if (m?.[1] === undefined) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : decodeURIComponent(decoded.slice(0, colon));
}

/**
 * The IdP's own front middleware: static assets, the login pages, CORS preflights that
 * oidc-provider would otherwise answer for any origin, the introspection client gate, and page
 * headers on every HTML answer.
 */
function frontMiddleware(provider: Provider, appOrigin: string) {
  const routes = {
    authorization: '/auth',
    token: '/token',
    revocation: '/token/revocation',
    introspection: '/token/introspection',
    userinfo: '/me',
    discovery: '/.well-known/openid-configuration',
  };
  const spaCorsPaths = new Set([routes.token, routes.revocation]);
  const openCorsPaths = new Set([routes.discovery, '/.well-known/oauth-authorization-server', '/jwks']);
  const headers = pageHeaders([appOrigin]);

  return async (ctx: ProviderContext, next: () => Promise<void>) => {
    try {
      if (ctx.path.startsWith(ASSET_PREFIX) && (ctx.method === 'GET' || ctx.method === 'HEAD')) {
        const asset = ASSETS[ctx.path.slice(ASSET_PREFIX.length)];
        if (asset !== undefined) {
          ctx.type = asset.type;
          ctx.set('X-Content-Type-Options', 'nosniff');
          ctx.set('Cache-Control', 'no-cache');
          ctx.body = asset.body;
          return;
        }
      }

      if (ctx.method === 'OPTIONS' && !openCorsPaths.has(ctx.path)) {
        // C7: a preflight from anywhere but the app, or to any route other than token and
        // revocation (notably /auth), gets an answer without CORS headers.
        const allowed = spaCorsPaths.has(ctx.path) && ctx.get('Origin') === appOrigin;
        if (!allowed) {
          ctx.status = 204;
          ctx.set('Allow', 'GET, POST, OPTIONS');
          return;
        }
      }

      if (ctx.path === routes.authorization && ctx.method === 'GET') {
        const mode = ctx.query['response_mode'];
        if (mode !== undefined && mode !== 'query') {
          // response_mode=query only: oidc-provider would still answer the error in the
          // requested mode (a form_post page or a fragment), so refuse before it does.
          ctx.status = 400;
          ctx.type = 'html';
          ctx.body = errorPage('unsupported_response_mode', 'Only response_mode=query is supported.');
          ctx.set(headers);
          return;
        }
      }

      if (ctx.path === routes.introspection && ctx.method === 'POST') {
        // C8: introspection answers only the API's confidential client, authenticated with
        // client_secret_basic; a bare client_id (auth method none) is refused before any lookup.
        if (basicClientId(ctx.get('Authorization')) !== API_CLIENT.clientId) {
          ctx.status = 401;
          ctx.set('WWW-Authenticate', 'Basic realm="introspection"');
          ctx.set('Cache-Control', 'no-store');
          ctx.body = { error: 'invalid_client', error_description: 'introspection requires the API client credentials' };
          return;
        }
      }

      if (ctx.path.startsWith(INTERACTION_PREFIX)) {
        if (await handleInteraction(provider, ctx, `${appOrigin}/`)) {
          if (isPage(ctx)) ctx.set(headers);
          return;
        }
        ctx.status = 404;
        ctx.type = 'html';
        ctx.body = errorPage('not_found', 'This sign-in step does not exist or has expired.');
        ctx.set(headers);
        return;
      }

      await next();
    } catch (err) {
      const d = errorDetails(err);
      ctx.status = d.status;
      ctx.type = 'html';
      ctx.body = errorPage(d.error, d.description);
      ctx.set(headers);
      return;
    }

    if (ctx.path === routes.discovery && ctx.status === 200 && typeof ctx.body === 'object' && ctx.body !== null) {
      // The SPA client accepts response_mode=query only; say so.
      (ctx.body as Record<string, unknown>)['response_modes_supported'] = ['query'];
    }

    if (isPage(ctx)) {
      ctx.set(headers);
      if (typeof ctx.body === 'string' && ctx.body.includes('<script>')) {
        // oidc-provider's self-submitting form pages carry an inline script; swap in the
        // external one so the strict CSP holds there too.
        ctx.body = ctx.body.replace(/<script>[\s\S]*?<\/script>/g, `<script src="${ASSET_PREFIX}autosubmit.js" defer></script>`);
      }
    }
  };
}

/**
 * An HTML page rather than a redirect: page headers go on pages only, so that a prompt=none
 * authorization in a hidden iframe still follows its redirects back to the app.
 */
function isPage(ctx: ProviderContext): boolean {
  return ctx.response.is('html') !== false && (ctx.status < 300 || ctx.status >= 400);
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (err.code === 'EADDRINUSE') {
        reject(new IdpError('IDP_PORT_IN_USE', `IdP: port ${port} on localhost is already in use; set IDP_PORT to another port`, { cause: err }));
      } else {
        reject(err);
      }
    };
    const onListening = () => {
      server.off('error', onError);
      resolvePromise();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, 'localhost');
  });
}

export async function startIdp(opts: IdpOptions): Promise<RunningIdp> {
  const issuer = `http://localhost:${opts.port}`;
  const keys = await loadOrCreateKeys(opts.keysDir ?? DEFAULT_KEYS_DIR);
  const store = await openAdapter(opts.dataFile);
  const provider = new Provider(
    issuer,
    providerConfiguration({
      appOrigin: opts.appOrigin,
      apiOrigin: opts.apiOrigin,
      accessTokenTtl: opts.accessTokenTtl ?? DEFAULTS.accessTokenTtl,
      refreshTokenTtl: opts.refreshTokenTtl ?? DEFAULTS.refreshTokenTtl,
      sessionTtl: opts.sessionTtl ?? DEFAULTS.sessionTtl,
      accessTokenFormat: opts.accessTokenFormat ?? 'jwt',
      jwks: keys.jwks,
      cookieKeys: keys.cookieKeys,
      adapter: store.factory,
      requireIdTokenHintWithPromptNone: opts.requireIdTokenHintWithPromptNone ?? false,
      dpop: opts.dpop ?? false,
    }),
  );
  // Errors are answered to the client; koa's default would print each 4xx/5xx with its stack.
  provider.silent = true;
  provider.use(frontMiddleware(provider, opts.appOrigin));

  const answer = provider.callback();
  // Koa answers its own errors (its promise never rejects), so nothing is left to handle here.
  const server = createServer((req, res) => void answer(req, res));
  await listen(server, opts.port);
  return {
    issuer,
    port: opts.port,
    close: async () => {
      await new Promise<void>((resolveClose, reject) => {
        server.close((err) => (err ? reject(err) : resolveClose()));
        server.closeAllConnections();
      });
      await store.close();
    },
  };
}

/** The file adapter when a data file is given, else memory only. */
async function openAdapter(dataFile: string | undefined): Promise<{ factory: (model: string) => Adapter; close(): Promise<void> }> {
  if (dataFile === undefined) return { factory: createMemoryAdapterFactory(), close: () => Promise.resolve() };
  try {
    return await openFileAdapter(dataFile);
  } catch (err) {
    if (!(err instanceof AdapterFileError)) throw err;
    throw new IdpError('IDP_DATA_FILE_INVALID', `IdP: ${err.message}; move it away or set IDP_DATA_FILE to another file`, { cause: err });
  }
}
