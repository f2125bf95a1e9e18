/**
 * In-process stand-ins for the IdP's discovery, JWKS-signed ID tokens and token endpoint, served
 * through an injected `fetch`, so SW handlers run in Node with real jose-signed tokens. (The real
 * oidc-provider runs in the stack and e2e suites; these tests pin each decision in isolation.)
 */
import { SignJWT, createLocalJWKSet, exportJWK, generateKeyPair, type JWK, type JWTPayload } from 'jose';
import { createContext } from '../../sw/create-context.ts';
import type { Ctx } from '../../sw/context.ts';
import type { HintStore, SessionHint } from '../../sw/hint-store.ts';
import { MemoryPendingBackend } from '../../sw/signin-state.ts';
import type { Tokens } from '../../sw/session.ts';
import type { Broadcast } from '../../sw/protocol.ts';

export const APP = 'http://localhost:5173';
export const ISSUER = 'http://localhost:4000';
export const API = 'http://localhost:4001';
export const CLIENT_ID = 'todo-spa';

export const CONFIG = {
  issuer: ISSUER,
  clientId: CLIENT_ID,
  redirectUri: `${APP}/callback`,
  postLogoutRedirectUri: `${APP}/`,
  scope: 'openid profile email offline_access todos:read todos:write',
  apis: [{ origin: API, pathPrefix: '/' }],
};

export const DISCOVERY = {
  issuer: ISSUER,
  authorization_endpoint: `${ISSUER}/auth`,
  token_endpoint: `${ISSUER}/token`,
  jwks_uri: `${ISSUER}/jwks`,
  end_session_endpoint: `${ISSUER}/session/end`,
  revocation_endpoint: `${ISSUER}/token/revocation`,
  id_token_signing_alg_values_supported: ['ES256', 'RS256', 'HS256', 'none'],
  authorization_response_iss_parameter_supported: true,
};

/** What a correctly deployed app's documents are served with (the SW checks before a sign-in). */
export const APP_DOCUMENT_HEADERS = {
  'Content-Type': 'text/html',
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; frame-ancestors 'none'; require-trusted-types-for 'script'; trusted-types lit-html sw-url",
  'Cross-Origin-Opener-Policy': 'same-origin',
};

export interface Keys {
  readonly privateKey: CryptoKey;
  readonly jwk: JWK;
}

export async function makeKeys(): Promise<Keys> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  return { privateKey, jwk };
}

export function signIdToken(keys: Keys, claims: JWTPayload, o: { now?: number; alg?: string } = {}): Promise<string> {
  const now = Math.floor((o.now ?? Date.now()) / 1000);
  const payload = { iss: ISSUER, aud: CLIENT_ID, iat: now, exp: now + 300, sub: 'alice', name: 'Alice', email: 'alice@example.test', ...claims };
  return new SignJWT(payload).setProtectedHeader({ alg: o.alg ?? 'ES256', kid: 'k1' }).sign(keys.privateKey);
}

export interface Recorded {
  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
  readonly body: string;
}

export type Route = (req: Request, body: string) => Response | Promise<Response>;

/**
 * A fetch that routes requests to `routes` by URL without query, else answers /config.json, the
 * app's `/` (with a correct deployment's headers) and discovery;
 * query, records every request, and refuses anything unexpected.
 */
export function fakeFetch(routes: Record<string, Route>, config: unknown = CONFIG) {
  const calls: Recorded[] = [];
  const fn = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const req = new Request(input, init);
    const body = req.method === 'GET' || req.method === 'HEAD' ? '' : await req.text();
    calls.push({ url: req.url, method: req.method, headers: req.headers, body });
    const key = req.url.split('?')[0]!;
    const route = routes[key];
    if (route) return route(req, body);
    if (key === `${APP}/config.json`) return Response.json(config);
    if (key === `${APP}/`) return new Response('<!doctype html>', { headers: APP_DOCUMENT_HEADERS });
    if (key === `${ISSUER}/.well-known/openid-configuration`) return Response.json(DISCOVERY);
    throw new Error(`unexpected network call in test: ${req.method} ${key}`);
  };
  return { fetch: fn, calls, callsTo: (url: string) => calls.filter((c) => c.url.split('?')[0] === url) };
}

/** The hint store as a plain value. */
export class MemoryHintStore implements HintStore {
  value: SessionHint | null = null;
  get(): Promise<SessionHint | null> {
    return Promise.resolve(this.value);
  }
  set(hint: SessionHint): Promise<void> {
    this.value = hint;
    return Promise.resolve();
  }
  clear(): Promise<void> {
    this.value = null;
    return Promise.resolve();
  }
}

export interface TestCtx {
  readonly ctx: Ctx;
  readonly pending: MemoryPendingBackend;
  readonly hint: MemoryHintStore;
  readonly broadcasts: Broadcast[];
  readonly clock: { now: number };
  /** What `navigator.onLine` says. */
  readonly net: { online: boolean };
}

/**
 * A context whose every request goes to `fetchFn`: the handlers' own (`ctx.fetch`) and
 * oidc-client-ts's, which calls the global `fetch` (so this replaces it for the test file; each
 * file runs in its own process). Passing another context's `pending` is a restarted SW: its
 * memory is gone, IndexedDB (here a Map) is not.
 */
export function makeCtx(fetchFn: typeof fetch, keys: Keys, start = Date.now(), pending = new MemoryPendingBackend()): TestCtx {
  globalThis.fetch = fetchFn;
  const hint = new MemoryHintStore();
  const broadcasts: Broadcast[] = [];
  const clock = { now: start };
  const net = { online: true };
  const jwks = createLocalJWKSet({ keys: [keys.jwk] });
  const ctx = createContext({
    origin: APP,
    fetch: fetchFn,
    now: () => clock.now,
    online: () => net.online,
    pending,
    hint,
    broadcast: (m) => {
      broadcasts.push(m);
      return Promise.resolve();
    },
    keys: () => Promise.resolve(jwks),
  });
  return { ctx, pending, hint, broadcasts, clock, net };
}

/** A token endpoint answer as oidc-provider gives it. */
export function tokenJson(o: { access?: string; refresh?: string; idToken?: string; expiresIn?: number }): Response {
  return Response.json({
    access_token: o.access ?? 'at-1',
    token_type: 'Bearer',
    expires_in: o.expiresIn ?? 300,
    scope: CONFIG.scope,
    ...(o.refresh ? { refresh_token: o.refresh } : {}),
    ...(o.idToken ? { id_token: o.idToken } : {}),
  });
}

export function navigation(url: string, init: RequestInit = {}): Request {
  // Node's Request cannot be built with mode 'navigate'; handlers only read url/method.
  return new Request(url, init);
}

/**
 * Tokens of a signed-in session for `session.signedIn()`: a 5-minute access token due for
 * refresh 30 s before expiry, unless `o` says otherwise.
 */
export function testTokens(now: number, o: Partial<Tokens> = {}): Tokens {
  const accessTokenExpiresAt = o.accessTokenExpiresAt ?? now + 300_000;
  return {
    accessToken: 'at-1',
    accessTokenExpiresAt,
    refreshAt: accessTokenExpiresAt - 30_000,
    scopes: ['openid'],
    profile: { sub: 'alice' },
    lastRefreshAt: null,
    ...o,
  };
}
