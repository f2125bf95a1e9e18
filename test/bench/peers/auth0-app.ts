/**
 * A minimal app on @auth0/auth0-spa-js (tokens in page memory, refresh tokens, the bearer set
 * by page code): sized by the bench, not run (it needs an Auth0 tenant's endpoints).
 */
import { createAuth0Client } from '@auth0/auth0-spa-js';

const meta = (name: string): string => document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content ?? '';

const auth0 = await createAuth0Client({
  domain: meta('domain'),
  clientId: meta('client-id'),
  authorizationParams: { redirect_uri: `${location.origin}/callback`, audience: meta('audience'), scope: meta('scope') },
  useRefreshTokens: true,
  cacheLocation: 'memory',
});
if (location.pathname === '/callback') await auth0.handleRedirectCallback();

Object.assign(window, {
  app: {
    login: () => auth0.loginWithRedirect(),
    logout: () => auth0.logout({ logoutParams: { returnTo: location.origin } }),
    user: () => auth0.getUser(),
    api: async (url: string) => fetch(url, { headers: { Authorization: `Bearer ${await auth0.getTokenSilently()}` } }),
  },
});
