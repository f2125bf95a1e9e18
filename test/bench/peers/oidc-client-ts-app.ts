/**
 * A minimal app on oidc-client-ts's UserManager (tokens in page storage, the bearer set by page
 * code): sized by the bench, not run.
 */
import { UserManager } from 'oidc-client-ts';

const meta = (name: string): string => document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content ?? '';

const users = new UserManager({
  authority: meta('issuer'),
  client_id: meta('client-id'),
  redirect_uri: `${location.origin}/callback`,
  post_logout_redirect_uri: `${location.origin}/`,
  scope: meta('scope'),
});
if (location.pathname === '/callback') await users.signinRedirectCallback();

Object.assign(window, {
  app: {
    login: () => users.signinRedirect(),
    logout: () => users.signoutRedirect(),
    user: () => users.getUser(),
    api: async (url: string) => fetch(url, { headers: { Authorization: `Bearer ${(await users.getUser())?.access_token ?? ''}` } }),
  },
});
