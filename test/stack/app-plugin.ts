import type { Plugin, Connect } from 'vite';
import type { StackOrigins } from './ports.ts';
import type { VaultConfig } from '../../sw/config.ts';
import { pathKind, responseHeaders, type HeaderMap } from '../../sw/security-headers.ts';

/**
 * Serves the app the way a static host must (deploy/ writes the same for nginx and CDNs): the
 * security headers and cache rule of sw/security-headers.ts on every response, and `/config.json`
 * derived from the stack's ports so the SW points at the local IdP and API. In dev, `/sw.js` is
 * the TypeScript entry served as a module.
 */
export function appHeaders(o: StackOrigins, path: string, dev = false, extra: ConfigExtra = {}): HeaderMap {
  // The dev server's HMR socket is the one origin a deployment never has.
  return responseHeaders(pathKind(path), runtimeConfig(o, extra), dev ? { extraConnect: [`ws://localhost:${o.appPort}`] } : {});
}

/**
 * Fields laid over the stack's config, e.g. `{ dpop: true }` for a stack whose IdP binds tokens
 * (the bench's DPoP row): the same file then drives both /config.json and the headers' policy.
 */
export type ConfigExtra = Partial<VaultConfig>;

export function runtimeConfig(o: StackOrigins, extra: ConfigExtra = {}): VaultConfig {
  return {
    issuer: o.issuer,
    clientId: 'todo-spa',
    redirectUri: `${o.appOrigin}/callback`,
    postLogoutRedirectUri: `${o.appOrigin}/`,
    scope: 'openid profile email offline_access todos:read todos:write',
    apis: [{ origin: o.apiOrigin, pathPrefix: '/' }],
    ...extra,
  };
}

export function appPlugin(o: StackOrigins, extra: ConfigExtra = {}): Plugin {
  const config = JSON.stringify(runtimeConfig(o, extra), null, 2);
  const middleware = (dev: boolean): Connect.NextHandleFunction => {
    return (req, res, next) => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      for (const [k, v] of Object.entries(appHeaders(o, path, dev, extra))) res.setHeader(k, v);
      if (path === '/config.json') {
        res.setHeader('Content-Type', 'application/json');
        res.end(config);
        return;
      }
      if (dev && path === '/sw.js') {
        // Same script URL as the build, so a registration never changes its URL (which would
        // replace the SW and wipe its memory).
        req.url = '/sw/sw.ts';
        res.setHeader('Service-Worker-Allowed', '/');
      }
      next();
    };
  };
  return {
    name: 'sw-token-vault-app',
    configureServer(server) {
      server.middlewares.use(middleware(true));
    },
    configurePreviewServer(server) {
      server.middlewares.use(middleware(false));
    },
  };
}
