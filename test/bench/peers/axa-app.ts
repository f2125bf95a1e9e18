/**
 * A minimal app on @axa-fr/oidc-client in its service-worker mode (tokens held by
 * OidcServiceWorker.js, injected into calls to the domains OidcTrustedDomains.js lists). The
 * bench sizes this bundle and runs it against the local stack (axa.ts). Settings come from the
 * page's <meta> tags because the stack's ports change on every run.
 */
import { OidcClient } from '@axa-fr/oidc-client';

const meta = (name: string): string => document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content ?? '';
const home = meta('home');

const client = OidcClient.getOrCreate(() => fetch)({
  client_id: meta('client-id'),
  authority: meta('issuer'),
  redirect_uri: `${location.origin}/callback`,
  scope: meta('scope'),
  service_worker_relative_url: meta('sw-url'),
  // Scope `/`: the registered redirect URI (/callback) must be under the worker, which swaps the
  // PKCE verifier into the code exchange.
  service_worker_register: (url) => navigator.serviceWorker.register(url, { scope: '/', updateViaCache: 'none' }),
  service_worker_only: true,
});

export type AxaAppState = 'starting' | 'signed-out' | 'signed-in' | 'navigating' | `error: ${string}`;

function show(state: AxaAppState): void {
  document.body.dataset['state'] = state;
}

async function start(): Promise<void> {
  show('starting');
  if (location.pathname === '/callback') {
    const { callbackPath } = await client.loginCallbackAsync();
    show('navigating');
    location.replace(callbackPath || home);
    return;
  }
  show((await client.tryKeepExistingSessionAsync()) ? 'signed-in' : 'signed-out');
}

// What the app's buttons would call; the bench calls it instead.
Object.assign(window, { benchAxa: { login: () => client.loginAsync(home) } });
start().catch((err: unknown) => show(`error: ${err instanceof Error ? err.message : String(err)}`));
