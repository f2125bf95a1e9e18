/**
 * The OAuth/OIDC protocol, done by oidc-client-ts's `OidcClient` inside the SW: discovery, the
 * authorization request (state, nonce, S256 PKCE, query response mode), the code exchange, the
 * refresh grant, revocation and the end-session URL. Around it, the checks it does not make:
 * - the discovery document's `issuer` must equal the configured one and every endpoint must be
 *   https (`MetadataService` compares neither) — `validateDiscovery`;
 * - state read back from page-writable storage is verified and rebuilt from config before the
 *   library uses it (signin-state.ts);
 * - RFC 9207 `iss` is checked before `processSigninResponse` makes a token request, and the ID
 *   token is verified with jose (handlers/callback.ts, id-token.ts): the library only decodes it;
 * - failures are sorted into our codes here, because the library's errors carry no HTTP status.
 * Not used: `UserManager`, the navigators, `SessionMonitor`, `CheckSessionIFrame` (they need a
 * window) and the library's DPoP code (it calls `window.crypto`).
 */
import { ErrorResponse, ErrorTimeout, OidcClient, type OidcClientSettings, type SigninResponse, type UseRefreshTokenArgs } from 'oidc-client-ts';
import type { VaultConfig } from './config.ts';
import { SwError, type DiscoveryErrorCode } from './errors.ts';
import { PENDING_TTL_MS, VerifiedStateStore, tokenParams, type PendingBackend } from './signin-state.ts';
import type { AuthErrorCode } from './protocol.ts';

/** The discovery fields we use (OIDC Discovery 1.0 §3, RFC 8414, RFC 9207 §3). */
export interface Discovery {
  readonly issuer: string;
  readonly authorization_endpoint: string;
  readonly token_endpoint: string;
  readonly jwks_uri: string;
  readonly end_session_endpoint?: string;
  readonly revocation_endpoint?: string;
  readonly introspection_endpoint?: string;
  readonly id_token_signing_alg_values_supported?: readonly string[];
  readonly authorization_response_iss_parameter_supported?: boolean;
}

export class DiscoveryError extends SwError<DiscoveryErrorCode> {
  override readonly name = 'DiscoveryError';
}

function required(raw: Record<string, unknown>, field: string): string {
  const v = endpoint(raw, field);
  if (v === undefined) throw new DiscoveryError('discovery_invalid', `${field} missing`);
  return v;
}

function endpoint(raw: Record<string, unknown>, field: string): string | undefined {
  const v = raw[field];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new DiscoveryError('discovery_invalid', `${field} missing`);
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new DiscoveryError('discovery_invalid', `${field} is not a URL`);
  }
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && u.hostname === 'localhost')) {
    throw new DiscoveryError('discovery_invalid', `${field} must be https`);
  }
  return v;
}

export function validateDiscovery(raw: unknown, issuer: string): Discovery {
  if (typeof raw !== 'object' || raw === null) throw new DiscoveryError('discovery_invalid', 'not an object');
  const r = raw as Record<string, unknown>;
  // OIDC Discovery §4.3: the issuer in the document must be exactly the one we asked.
  if (r['issuer'] !== issuer) throw new DiscoveryError('discovery_invalid', 'issuer mismatch');
  const algs = r['id_token_signing_alg_values_supported'];
  const d: { -readonly [K in keyof Discovery]: Discovery[K] } = {
    issuer,
    authorization_endpoint: required(r, 'authorization_endpoint'),
    token_endpoint: required(r, 'token_endpoint'),
    jwks_uri: required(r, 'jwks_uri'),
    authorization_response_iss_parameter_supported: r['authorization_response_iss_parameter_supported'] === true,
  };
  for (const field of ['end_session_endpoint', 'revocation_endpoint', 'introspection_endpoint'] as const) {
    const v = endpoint(r, field);
    if (v !== undefined) d[field] = v;
  }
  if (Array.isArray(algs)) d.id_token_signing_alg_values_supported = algs.filter((a): a is string => typeof a === 'string');
  return d;
}

/** One request to the IdP may take this long before it counts as failed (a hung IdP must not hang us). */
export const IDP_TIMEOUT_S = 10;

export function clientSettings(config: VaultConfig, store: VerifiedStateStore): OidcClientSettings {
  return {
    authority: config.issuer,
    client_id: config.clientId,
    redirect_uri: config.redirectUri,
    post_logout_redirect_uri: config.postLogoutRedirectUri,
    scope: config.scope,
    response_type: 'code',
    // A2: query mode only, stated explicitly so an IdP default can never switch to fragment.
    response_mode: 'query',
    stateStore: store,
    staleStateAgeInSeconds: PENDING_TTL_MS / 1000,
    loadUserInfo: false,
    fetchRequestCredentials: 'omit',
    requestTimeoutInSeconds: IDP_TIMEOUT_S,
    // oidc-provider answers a revocation with `200 text/plain`.
    revokeTokenAdditionalContentTypes: ['text/plain'],
    ...(config.resource ? { resource: [...config.resource] } : {}),
    extraQueryParams: config.audience !== undefined ? { audience: config.audience } : {},
    extraTokenParams: tokenParams(config),
  };
}

/** A proof for the token endpoint, with the nonce the IdP asked for, if it did. */
export type TokenEndpointProof = (nonce?: string) => Promise<string>;

/**
 * The OAuth `error` of a token endpoint answer. oidc-client-ts throws an `ErrorResponse` for it,
 * but an `ErrorDPoPNonce` (not exported, its body JSON in `message`) whenever a non-OK answer
 * carried a `DPoP-Nonce` header, whatever the error.
 */
function oauthError(e: unknown): string | undefined {
  if (e instanceof ErrorResponse) return e.error ?? undefined;
  if (!(e instanceof Error) || e.name !== 'ErrorDPoPNonce') return undefined;
  try {
    const error = (JSON.parse(e.message) as { error?: unknown }).error;
    return typeof error === 'string' ? error : undefined;
  } catch {
    // No JSON body: no OAuth error code, so not one we act on.
    return undefined;
  }
}

/** The nonce to retry with: only `use_dpop_nonce` means "again, with this nonce" (RFC 9449 §8). */
function nonceAsked(e: unknown): string | undefined {
  const nonce = (e as { nonce?: unknown } | null)?.nonce;
  return typeof nonce === 'string' && oauthError(e) === 'use_dpop_nonce' ? nonce : undefined;
}

/**
 * `OidcClient` with DPoP from our own proofs (sw/dpop.ts): what the library does when its
 * `settings.dpop` is set, whose code calls `window.crypto` and keeps keys where page script can
 * use them. One retry on `use_dpop_nonce`, as RFC 9449 §8 and the library do.
 */
export class SwOidcClient extends OidcClient {
  async processSigninResponseWithProof(url: string, proof: TokenEndpointProof | undefined): Promise<SigninResponse> {
    if (!proof) return this.processSigninResponse(url);
    const { state, response } = await this.readSigninResponseState(url, true);
    try {
      await this._validator.validateSigninResponse(response, state, { DPoP: await proof() });
    } catch (e) {
      const nonce = nonceAsked(e);
      if (nonce === undefined) throw e;
      await this._validator.validateSigninResponse(response, state, { DPoP: await proof(nonce) });
    }
    return response;
  }

  /** `useRefreshToken` with a proof; a `use_dpop_nonce` answer means the IdP did not use the token yet. */
  async useRefreshTokenWithProof(args: UseRefreshTokenArgs, proof: TokenEndpointProof | undefined): Promise<SigninResponse> {
    if (!proof) return this.useRefreshToken(args);
    try {
      return await this.useRefreshToken({ ...args, extraHeaders: { DPoP: await proof() } });
    } catch (e) {
      const nonce = nonceAsked(e);
      if (nonce === undefined) throw e;
      return this.useRefreshToken({ ...args, extraHeaders: { DPoP: await proof(nonce) } });
    }
  }
}

export interface Oidc {
  readonly config: VaultConfig;
  readonly client: SwOidcClient;
  readonly discovery: Discovery;
  readonly store: VerifiedStateStore;
}

/**
 * The SW's `OidcClient`, built once its discovery document passed `validateDiscovery`. A failure
 * is not remembered (the next use tries again with a fresh client, whose metadata cache is
 * empty); the state store outlives such failures so a sign-in in progress is not lost.
 */
export function oidcLoader(d: {
  readonly config: () => Promise<VaultConfig>;
  readonly backend: PendingBackend;
  readonly now: () => number;
}): () => Promise<Oidc> {
  let stores: { readonly config: VaultConfig; readonly store: VerifiedStateStore } | undefined;
  let memo: Promise<Oidc> | undefined;
  return () => {
    memo ??= (async () => {
      const config = await d.config();
      if (stores?.config !== config) stores = { config, store: new VerifiedStateStore(config, d.backend, d.now) };
      const { store } = stores;
      const client = new SwOidcClient(clientSettings(config, store));
      let raw: unknown;
      try {
        raw = await client.metadataService.getMetadata();
      } catch (cause) {
        throw new DiscoveryError('discovery_unreachable', 'discovery failed', { cause });
      }
      return { config, client, discovery: validateDiscovery(raw, config.issuer), store };
    })();
    memo.catch(() => {
      memo = undefined;
    });
    return memo;
  };
}

/** What a token endpoint answer must hold for us to use it. */
export interface TokenResponse {
  readonly access_token: string;
  /** How it must be presented (RFC 6749 §7.1; RFC 9449 §5: `DPoP` for a bound token). */
  readonly token_type: 'Bearer' | 'DPoP';
  readonly expires_in?: number;
  readonly refresh_token?: string;
  readonly id_token?: string;
  readonly scope?: string;
}

/**
 * The library copies whatever the token endpoint said; this keeps what we checked. `null`:
 * unusable. `dpop`: we sent a proof, so `DPoP` is expected (an IdP without DPoP ignores the
 * proof and answers `Bearer`, RFC 9449 §5); without one a `DPoP` token is of no use to us.
 */
export function tokenResponse(r: SigninResponse, dpop: boolean): TokenResponse | null {
  if (typeof r.access_token !== 'string' || r.access_token === '') return null;
  // RFC 6749 §5.1: token_type is case-insensitive.
  const type = typeof r.token_type === 'string' ? r.token_type.toLowerCase() : '';
  if (type !== 'bearer' && !(dpop && type === 'dpop')) return null;
  const out: { -readonly [K in keyof TokenResponse]: TokenResponse[K] } = {
    access_token: r.access_token,
    token_type: type === 'dpop' ? 'DPoP' : 'Bearer',
  };
  const expiresIn = r.expires_in;
  if (typeof expiresIn === 'number' && expiresIn > 0) out.expires_in = expiresIn;
  if (typeof r.refresh_token === 'string' && r.refresh_token !== '') out.refresh_token = r.refresh_token;
  if (typeof r.id_token === 'string' && r.id_token !== '') out.id_token = r.id_token;
  if (typeof r.scope === 'string') out.scope = r.scope;
  return out;
}

/** A request that failed on the way (no answer, or none in time): it may or may not have arrived. */
export function isNetworkFailure(e: unknown): boolean {
  return e instanceof TypeError || e instanceof ErrorTimeout;
}

/** RFC 6749 §4.1.2.1 / OIDC Core §3.1.2.6 errors, mapped to our fixed table. */
export function authorizationErrorCode(error: string | null): AuthErrorCode {
  switch (error) {
    case 'access_denied':
      return 'access_denied';
    case 'login_required':
      return 'login_required';
    case 'interaction_required':
    case 'consent_required':
    case 'account_selection_required':
      return 'interaction_required';
    default:
      return 'idp_error';
  }
}

/**
 * The code of a `processSigninResponse` failure, once the state was accepted. The library throws
 * an `ErrorResponse` both for the authorization response's own `error` (before any token request)
 * and for a token endpoint error (then `form` holds the request body); plain errors for a network
 * failure, a body that is not JSON, and its ID-token decode/nonce/sub checks (pinned by
 * test/unit/callback-errors.test.ts against the real library).
 */
export function signinErrorCode(e: unknown): AuthErrorCode {
  if (e instanceof ErrorResponse) return e.form === undefined ? authorizationErrorCode(e.error) : 'token_exchange_failed';
  if (isNetworkFailure(e)) return 'idp_unreachable';
  if (e instanceof Error && (e.name === 'InvalidTokenError' || /\b(id[ _]?token|nonce|subject)\b/i.test(e.message))) return 'id_token_invalid';
  return 'token_exchange_failed';
}

/** Only the IdP saying so ends a grant (RFC 6749 §5.2 `invalid_grant`); anything else may have reached it. */
export function isInvalidGrant(e: unknown): boolean {
  return oauthError(e) === 'invalid_grant';
}
