import { randomBytes } from 'node:crypto';
import { errors, interactionPolicy, type Adapter, type ClientLike, type OidcContext, type ProviderContext } from 'oidc-provider';
import type { JWK } from 'jose';
import { accountFor } from './accounts.ts';
import { errorPage, logoutPage, logoutSuccessPage } from './pages.ts';
import { INTERACTION_PREFIX } from './interactions.ts';

export const SPA_CLIENT_ID = 'todo-spa';
export const API_CLIENT = {
  clientId: 'todo-api',
  clientSecret: process.env['API_CLIENT_SECRET'] ?? 'todo-api-secret',
} as const;

/** The API's scopes: resource-server scopes, carried in the JWT access token's `scope` claim. */
export const API_SCOPES = ['todos:read', 'todos:write'] as const;

export interface ProviderSettings {
  readonly appOrigin: string;
  readonly apiOrigin: string;
  readonly accessTokenTtl: number;
  readonly refreshTokenTtl: number;
  readonly sessionTtl: number;
  readonly accessTokenFormat: 'jwt' | 'opaque';
  readonly jwks: { keys: JWK[] };
  readonly cookieKeys: string[];
  /** Memory (tests) or the data file (`npm start`). */
  readonly adapter: (model: string) => Adapter;
  /** Refuse `prompt=none` without `id_token_hint` (see promptPolicy). */
  readonly requireIdTokenHintWithPromptNone: boolean;
  /** C6: DPoP required for the SPA, tokens bound, nonces on (see dpopFeature). */
  readonly dpop: boolean;
}

/** Routes whose answers the SPA must read cross-origin (C7). Nothing else gets CORS for it. */
export const SPA_CORS_ROUTES = new Set(['token', 'revocation']);

interface RefreshTokenLike {
  remainingTTL: number;
}

/**
 * C6 (RFC 9449) when asked. oidc-provider then binds the access token (`cnf.jkt`, token_type DPoP)
 * and, for a public client, the refresh token to the proof's key: a refresh with another key is
 * `invalid_grant`. Nonces are required on every token request (§8: the first answer is 400
 * `use_dpop_nonce` with `DPoP-Nonce`, exposed through CORS), from a secret made at each start (a
 * restart costs clients one retry). Proof `jti`s are kept by ReplayDetection in the adapter.
 */
function dpopFeature(enabled: boolean): Record<string, unknown> {
  if (!enabled) return { enabled: false };
  return { enabled: true, nonceSecret: randomBytes(32), requireNonce: () => true, allowReplay: false };
}

/**
 * oidc-provider's default prompts, plus, when asked, the behaviour of IdPs that answer
 * `prompt=none` without an `id_token_hint` with `invalid_request` (OIDC Core §3.1.2.1 lets an OP
 * refuse it): a test switch for the SW's "Continue as <name>" path (issue 9 item 7). The check is
 * the first of the login prompt, so it wins over `login_required` too; with `prompt=none` a failed
 * check becomes an error redirect to the registered redirect URI, carrying `iss` (C3) and `state`.
 * It can never start an interaction: it fails only when `prompt=none` forbids one.
 */
function promptPolicy(requireIdTokenHintWithPromptNone: boolean): interactionPolicy.Policy {
  const policy = interactionPolicy.base();
  if (requireIdTokenHintWithPromptNone) {
    policy
      .get('login')
      ?.checks.add(
        new interactionPolicy.Check(
          'id_token_hint_required',
          'id_token_hint is required with prompt=none',
          'invalid_request',
          (ctx) => ctx.oidc.prompts.has('none') && ctx.oidc.params?.['id_token_hint'] === undefined,
        ),
        0,
      );
  }
  return policy;
}

/**
 * oidc-provider configuration for the local IdP, item by item against STANDARDS C1-C10. Every
 * default function that the library asks to be replaced is replaced, so it prints no notices.
 * oidc-provider awaits every hook, so the hooks here, which wait for nothing, return plain values.
 */
export function providerConfiguration(s: ProviderSettings): Record<string, unknown> {
  const isSpa = (client: ClientLike | undefined) => client?.clientId === SPA_CLIENT_ID;

  return {
    adapter: s.adapter,
    jwks: s.jwks,
    cookies: {
      keys: s.cookieKeys,
      // Plain http on localhost: no `secure` flag (oidc-provider sets it only on https requests).
      long: { httpOnly: true, sameSite: 'lax' },
      short: { httpOnly: true, sameSite: 'lax' },
    },
    clients: [
      {
        // C1: public SPA client, code + PKCE only, exact redirect URIs (C2, C9).
        client_id: SPA_CLIENT_ID,
        client_name: 'Todos',
        application_type: 'web',
        token_endpoint_auth_method: 'none',
        response_types: ['code'],
        response_modes: ['query'],
        grant_types: ['authorization_code', 'refresh_token'],
        redirect_uris: [`${s.appOrigin}/callback`],
        post_logout_redirect_uris: [`${s.appOrigin}/`],
        id_token_signed_response_alg: 'ES256',
        // C6: with DPoP on, the token endpoint refuses the SPA's requests without a proof.
        ...(s.dpop ? { dpop_bound_access_tokens: true } : {}),
      },
      {
        // C8: the API's confidential client, for introspection only.
        client_id: API_CLIENT.clientId,
        client_secret: API_CLIENT.clientSecret,
        token_endpoint_auth_method: 'client_secret_basic',
        response_types: [],
        grant_types: [],
        redirect_uris: [],
      },
    ],
    clientDefaults: { id_token_signed_response_alg: 'ES256' },
    responseTypes: ['code'],
    pkce: { required: () => true },
    scopes: ['openid', 'offline_access', 'profile', 'email'],
    claims: {
      openid: ['sub'],
      profile: ['name'],
      email: ['email', 'email_verified'],
      sid: null,
      auth_time: null,
      acr: null,
      iss: null,
    },
    enabledJWA: {
      idTokenSigningAlgValues: ['ES256'],
    },
    findAccount: (_ctx: unknown, sub: string) => accountFor(sub),
    allowOmittingSingleRegisteredRedirectUri: false,
    interactions: {
      url: (_ctx: unknown, interaction: { uid: string }) => `${INTERACTION_PREFIX}${interaction.uid}`,
      policy: promptPolicy(s.requireIdTokenHintWithPromptNone),
    },
    features: {
      devInteractions: { enabled: false },
      dPoP: dpopFeature(s.dpop),
      pushedAuthorizationRequests: { enabled: false },
      userinfo: { enabled: true },
      revocation: {
        enabled: true,
        allowedPolicy: (_ctx: unknown, client: ClientLike, token: { clientId: string }) => token.clientId === client.clientId,
      },
      introspection: {
        enabled: true,
        // C8: only the API's confidential client learns about tokens.
        allowedPolicy: (_ctx: unknown, client: ClientLike) => client.clientId === API_CLIENT.clientId && client.clientAuthMethod !== 'none',
      },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx: ProviderContext, form: string) => {
          // oidc-provider validated the hint (signature, audience) before calling this.
          const hinted = ctx.oidc.entities['IdTokenHint'] !== undefined && ctx.oidc.client !== undefined;
          ctx.type = 'html';
          ctx.body = logoutPage(form, hinted);
        },
        postLogoutSuccessSource: (ctx: ProviderContext) => {
          ctx.type = 'html';
          ctx.body = logoutSuccessPage();
        },
      },
      resourceIndicators: {
        enabled: true,
        // C5: every token is for the Todo API unless a client asks otherwise.
        defaultResource: () => s.apiOrigin,
        // Without this the token endpoint issues an opaque userinfo-only token.
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, resource: string) => {
          if (resource !== s.apiOrigin) throw new errors.InvalidTarget();
          return {
            scope: API_SCOPES.join(' '),
            audience: s.apiOrigin,
            accessTokenTTL: s.accessTokenTtl,
            accessTokenFormat: s.accessTokenFormat,
            ...(s.accessTokenFormat === 'jwt' ? { jwt: { sign: { alg: 'ES256' } } } : {}),
          };
        },
      },
    },
    // C4: the SPA's refresh tokens are issued without offline_access consent, rotate on every
    // use (library default for public clients) and live and die with the IdP session.
    issueRefreshToken: (_ctx: unknown, client: ClientLike) => isSpa(client) && client.grantTypeAllowed('refresh_token'),
    expiresWithSession: (ctx: { oidc: OidcContext }) => isSpa(ctx.oidc.client),
    rotateRefreshToken: true,
    // Synchronous by contract. C7: only the app origin, only for the SPA, only token + revocation.
    clientBasedCORS: (ctx: { oidc: OidcContext }, origin: string, client: ClientLike) =>
      origin === s.appOrigin && isSpa(client) && SPA_CORS_ROUTES.has(ctx.oidc.route),
    ttl: {
      AccessToken: s.accessTokenTtl,
      AuthorizationCode: 60,
      IdToken: s.accessTokenTtl,
      Interaction: 10 * 60,
      Session: s.sessionTtl,
      Grant: Math.max(s.sessionTtl, s.refreshTokenTtl),
      // Rotation keeps the first token's absolute lifetime (the library's rule for public clients).
      RefreshToken: (ctx: { oidc?: { entities?: { RotatedRefreshToken?: RefreshTokenLike } } }) =>
        Math.min(s.refreshTokenTtl, ctx.oidc?.entities?.RotatedRefreshToken?.remainingTTL ?? s.refreshTokenTtl),
      ClientCredentials: s.accessTokenTtl,
    },
    renderError: (ctx: ProviderContext, out: { error?: string; error_description?: string }) => {
      ctx.type = 'html';
      ctx.body = errorPage(out.error ?? 'server_error', out.error_description);
    },
  };
}
