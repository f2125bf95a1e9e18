import type { Plugin, Connect } from 'vite';
import type { StackOrigins } from './ports.ts';

/**
 * Serves the app the way a static host must (the static-hosting issue ports this to nginx):
 * security headers on every response, and `/config.json` derived from the stack's ports so the
 * SW points at the local IdP and API. In dev, `/sw.js` is the TypeScript entry served as a module.
 */
export function appHeaders(o: StackOrigins): Record<string, string> {
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    // The page itself only talks to its own origin and the API; the IdP is reached by navigation.
    `connect-src 'self' ${o.apiOrigin} ${o.issuer} ws://localhost:${o.appPort}`,
    "img-src 'self' data:",
    // The silent re-authentication iframe navigates through the IdP (prompt=none redirects).
    `frame-src 'self' ${o.issuer}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
    "form-action 'self'",
    "require-trusted-types-for 'script'",
    'trusted-types lit-html sw-url',
  ].join('; ');
  return {
    'Content-Security-Policy': csp,
    'Cross-Origin-Opener-Policy': 'same-origin',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  };
}

export function runtimeConfig(o: StackOrigins) {
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
  const headers = appHeaders(o);
  const config = JSON.stringify(runtimeConfig(o), null, 2);
  const middleware = (dev: boolean): Connect.NextHandleFunction => (req, res, next) => {
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
