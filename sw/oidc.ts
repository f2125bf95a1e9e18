/**
 * The OAuth/OIDC requests the SW makes, written directly with `fetch`.
 *
 * Why not oidc-client-ts's `OidcClient` (named by the design card): every piece of it we would use
 * had to be wrapped or bypassed to meet STANDARDS A2-A4 and issue 3:
 * - `processSigninResponse` takes client_id, redirect_uri and the PKCE verifier for the token
 *   request from its state store, which here is page-writable IndexedDB; we must re-check the
 *   entry against config ourselves first (pending-store.ts), and check RFC 9207 `iss` before any
 *   token request, which it does not do;
 * - it checks neither the ID token's signature nor `iss`/`aud`/`exp` (we do with jose anyway);
 * - `useRefreshToken` hides whether a failed refresh may have reached the IdP (a network failure,
 *   after which the refresh token must never be resent: rotation with reuse detection would
 *   revoke the grant) behind generic errors;
 * - its gzip size (~10.8 KB) plus jose verify (~7 KB) alone would spend the SW's ~20 KB budget.
 * What remains is small: discovery, PKCE, three form POSTs and one URL.
 */
import type { VaultConfig } from './config.ts';

/** The discovery fields we use (OIDC Discovery 1.0 §3, RFC 8414, RFC 9207 §3). */
export interface Discovery {
  readonly issuer: string;
  readonly authorization_endpoint: string;
  readonly token_endpoint: string;
  readonly jwks_uri: string;
  readonly end_session_endpoint?: string;
  readonly revocation_endpoint?: string;
  readonly id_token_signing_alg_values_supported?: readonly string[];
  readonly authorization_response_iss_parameter_supported?: boolean;
}

export class DiscoveryError extends Error {
  override readonly name = 'DiscoveryError';
  constructor(
    readonly code: 'discovery-unreachable' | 'discovery-invalid',
    message: string,
  ) {
    super(message);
  }
}

function endpoint(raw: Record<string, unknown>, field: string, required: boolean): string | undefined {
  const v = raw[field];
  if (v === undefined && !required) return undefined;
  if (typeof v !== 'string') throw new DiscoveryError('discovery-invalid', `${field} missing`);
  const u = new URL(v);
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && u.hostname === 'localhost')) {
    throw new DiscoveryError('discovery-invalid', `${field} must be https`);
  }
  return v;
}

export function validateDiscovery(raw: unknown, issuer: string): Discovery {
  if (typeof raw !== 'object' || raw === null) throw new DiscoveryError('discovery-invalid', 'not an object');
  const r = raw as Record<string, unknown>;
  // OIDC Discovery §4.3: the issuer in the document must be exactly the one we asked.
  if (r['issuer'] !== issuer) throw new DiscoveryError('discovery-invalid', 'issuer mismatch');
  const algs = r['id_token_signing_alg_values_supported'];
  const d: { -readonly [K in keyof Discovery]: Discovery[K] } = {
    issuer,
    authorization_endpoint: endpoint(r, 'authorization_endpoint', true)!,
    token_endpoint: endpoint(r, 'token_endpoint', true)!,
    jwks_uri: endpoint(r, 'jwks_uri', true)!,
    authorization_response_iss_parameter_supported: r['authorization_response_iss_parameter_supported'] === true,
  };
  const end = endpoint(r, 'end_session_endpoint', false);
  if (end !== undefined) d.end_session_endpoint = end;
  const rev = endpoint(r, 'revocation_endpoint', false);
  if (rev !== undefined) d.revocation_endpoint = rev;
  if (Array.isArray(algs)) d.id_token_signing_alg_values_supported = algs.filter((a): a is string => typeof a === 'string');
  return d;
}

/** Discovery fetched once per SW instance (a failure is retried on next use). */
export function discoveryLoader(config: () => Promise<VaultConfig>, fetchFn: typeof fetch): () => Promise<Discovery> {
  let memo: Promise<Discovery> | undefined;
  return () => {
    memo ??= (async () => {
      const { issuer } = await config();
      let res: Response;
      try {
        res = await fetchFn(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`, {
          cache: 'no-store',
          credentials: 'omit',
        });
      } catch {
        throw new DiscoveryError('discovery-unreachable', 'discovery fetch failed');
      }
      if (!res.ok) throw new DiscoveryError('discovery-unreachable', `discovery answered ${res.status}`);
      return validateDiscovery(await res.json().catch(() => null), issuer);
    })();
    memo.catch(() => {
      memo = undefined;
    });
    return memo;
  };
}

function base64url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** 256 bits of randomness, base64url (43 chars): RFC 7636 §4.1 verifier, and state/nonce. */
export function randomToken(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

/** RFC 7636 §4.2 S256. */
export async function s256(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

export interface AuthorizeParams {
  readonly state: string;
  readonly nonce: string;
  readonly codeChallenge: string;
  readonly prompt?: 'none';
}

export function authorizationUrl(d: Discovery, c: VaultConfig, p: AuthorizeParams): string {
  const url = new URL(d.authorization_endpoint);
  const q = url.searchParams;
  q.set('response_type', 'code');
  // A2: query mode only, stated explicitly so an IdP default can never switch to fragment.
  q.set('response_mode', 'query');
  q.set('client_id', c.clientId);
  q.set('redirect_uri', c.redirectUri);
  q.set('scope', c.scope);
  q.set('state', p.state);
  q.set('nonce', p.nonce);
  q.set('code_challenge', p.codeChallenge);
  q.set('code_challenge_method', 'S256');
  if (p.prompt) q.set('prompt', p.prompt);
  for (const r of c.resource ?? []) q.append('resource', r);
  if (c.audience) q.set('audience', c.audience);
  return url.href;
}

export interface TokenResponse {
  readonly access_token: string;
  readonly expires_in?: number;
  readonly refresh_token?: string;
  readonly id_token?: string;
  readonly scope?: string;
}

export type TokenResult =
  | { readonly ok: true; readonly tokens: TokenResponse }
  /** The request may or may not have reached the IdP. */
  | { readonly ok: false; readonly kind: 'network' }
  | { readonly ok: false; readonly kind: 'oauth'; readonly status: number; readonly error: string }
  | { readonly ok: false; readonly kind: 'bad-response'; readonly status: number };

function parseTokenResponse(raw: unknown): TokenResponse | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const r = raw as Record<string, unknown>;
  if (typeof r['access_token'] !== 'string' || r['access_token'] === '') return null;
  // RFC 6749 §5.1: token_type is case-insensitive; we only speak Bearer until DPoP lands.
  if (typeof r['token_type'] !== 'string' || r['token_type'].toLowerCase() !== 'bearer') return null;
  const out: { -readonly [K in keyof TokenResponse]: TokenResponse[K] } = { access_token: r['access_token'] };
  if (typeof r['expires_in'] === 'number' && r['expires_in'] > 0) out.expires_in = r['expires_in'];
  if (typeof r['refresh_token'] === 'string' && r['refresh_token'] !== '') out.refresh_token = r['refresh_token'];
  if (typeof r['id_token'] === 'string' && r['id_token'] !== '') out.id_token = r['id_token'];
  if (typeof r['scope'] === 'string') out.scope = r['scope'];
  return out;
}

async function postForm(fetchFn: typeof fetch, url: string, body: URLSearchParams): Promise<Response> {
  return fetchFn(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body,
    credentials: 'omit',
    cache: 'no-store',
    redirect: 'error',
  });
}

export async function tokenRequest(fetchFn: typeof fetch, d: Discovery, c: VaultConfig, params: Record<string, string>): Promise<TokenResult> {
  const body = new URLSearchParams(params);
  body.set('client_id', c.clientId);
  for (const r of c.resource ?? []) body.append('resource', r);
  let res: Response;
  try {
    res = await postForm(fetchFn, d.token_endpoint, body);
  } catch {
    return { ok: false, kind: 'network' };
  }
  const json: unknown = await res.json().catch(() => null);
  if (res.ok) {
    const tokens = parseTokenResponse(json);
    return tokens ? { ok: true, tokens } : { ok: false, kind: 'bad-response', status: res.status };
  }
  const error = typeof json === 'object' && json !== null ? (json as Record<string, unknown>)['error'] : undefined;
  return typeof error === 'string'
    ? { ok: false, kind: 'oauth', status: res.status, error }
    : { ok: false, kind: 'bad-response', status: res.status };
}

/** RFC 7009 §2.1. Best effort: a failure must not keep the user signed in locally. */
export async function revokeRefreshToken(fetchFn: typeof fetch, d: Discovery, c: VaultConfig, token: string): Promise<boolean> {
  if (!d.revocation_endpoint) return false;
  const body = new URLSearchParams({ token, token_type_hint: 'refresh_token', client_id: c.clientId });
  try {
    const res = await postForm(fetchFn, d.revocation_endpoint, body);
    return res.ok;
  } catch {
    return false;
  }
}

/** OIDC RP-Initiated Logout 1.0 §2. */
export function endSessionUrl(d: Discovery, c: VaultConfig, idToken: string | undefined, state: string): string | null {
  if (!d.end_session_endpoint) return null;
  const url = new URL(d.end_session_endpoint);
  if (idToken) url.searchParams.set('id_token_hint', idToken);
  else url.searchParams.set('client_id', c.clientId);
  url.searchParams.set('post_logout_redirect_uri', c.postLogoutRedirectUri);
  url.searchParams.set('state', state);
  return url.href;
}
