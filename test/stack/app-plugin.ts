import type { Plugin, Connect } from 'vite';
import type { StackOrigins } from './ports.ts';
import type { VaultConfig } from '../../sw/config.ts';
import { appCsp } from '../../sw/html.ts';

/**
 * Serves the app the way a static host must (the static-hosting issue ports this to nginx):
 * security headers on every response, and `/config.json` derived from the stack's ports so the
 * SW points at the local IdP and API. In dev, `/sw.js` is the TypeScript entry served as a module.
 */
export function appHeaders(o: StackOrigins, dev = false): Record<string, string> {
  return {
    'Content-Security-Policy': appCsp(runtimeConfig(o), "'none'", dev ? [`ws://localhost:${o.appPort}`] : []),
    'Cross-Origin-Opener-Policy': 'same-origin',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  };
}

export function runtimeConfig(o: StackOrigins): VaultConfig {
  return {
    issuer: o.issuer,
    clientId: 'todo-spa',
    redirectUri: `${o.appOrigin}/callback`,
    postLogoutRedirectUri: `${o.appOrigin}/`,
    scope: 'openid profile email offline_access todos:read todos:write',
    apis: [{ origin: o.apiOrigin, pathPrefix: '/' }],
  };
}

export function appPlugin(o: StackOrigins): Plugin {
  const config = JSON.stringify(runtimeConfig(o), null, 2);
  const middleware = (dev: boolean): Connect.NextHandleFunction => {
    const headers = appHeaders(o, dev);
    return (req, res, next) => {
      for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
      const path = (req.url ?? '/').split('?')[0];
      if (path === '/config.json') {
        res.setHeader('Content-Type', 'application/json');
        res.setHeader('Cache-Control', 'no-store');
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
