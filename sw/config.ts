/**
 * The SW's configuration: `/config.json`, fetched by the SW itself from the network.
 *
 * Fields (all required unless marked optional):
 * - `issuer`: the OpenID provider's issuer identifier, exactly as its discovery document states
 *   it. `https:`; `http:` only for `localhost` (development and tests). No query or fragment.
 * - `clientId`: the SPA's client_id at the IdP (a public client: no secret exists).
 * - `redirectUri`: the registered redirect URI. Must be on the SW's own origin: the SW
 *   intercepts this navigation (`/callback`) and makes the token request itself.
 * - `postLogoutRedirectUri`: where the IdP sends the browser after sign-out. Same origin as
 *   the SW; must be registered at the IdP.
 * - `scope`: space-separated scopes requested at sign-in; must include `openid`.
 * - `apis`: the bearer allow-list, `[{ origin, pathPrefix? }]`. `origin` is an exact origin
 *   (`scheme://host[:port]`, nothing else: no path, query, fragment or userinfo);
 *   `pathPrefix` (optional, starts with `/`) limits matching to that path at a `/` boundary.
 *   Only script requests (`fetch`) to these get `Authorization: Bearer` (STANDARDS A6).
 * - `resource` (optional): RFC 8707 resource indicator(s) sent on the authorization, code and
 *   refresh requests, for IdPs that mint API-audience tokens only when asked.
 * - `audience` (optional): the `audience` parameter some IdPs (Auth0) want instead.
 * - `dpop` (optional, default false): bind tokens to a key only this SW holds (RFC 9449). Only
 *   for IdPs and APIs that support DPoP (README lists which).
 * - `debug` (optional, default false): debug logging in the SW and the page (never a secret).
 *
 * Trust: only this same-origin file, fetched with `cache: 'no-store'` (never from Cache Storage
 * or IndexedDB, which page scripts can write), memoized for the life of the SW instance. No
 * message can change it (STANDARDS A10).
 */

import { SwError, type ConfigErrorCode } from './errors.ts';
import { setDebugLogging } from './log.ts';
import { SW_ROUTES } from './owns.ts';

export interface ApiEntry {
  readonly origin: string;
  readonly pathPrefix?: string;
}

export interface VaultConfig {
  readonly issuer: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly postLogoutRedirectUri: string;
  readonly scope: string;
  readonly apis: readonly ApiEntry[];
  readonly resource?: readonly string[];
  readonly audience?: string;
  readonly dpop?: boolean;
  /** Debug logging in the SW and the page (sw/log.ts): never a token, code or verifier. */
  readonly debug?: boolean;
}

export class ConfigError extends SwError<ConfigErrorCode> {
  override readonly name = 'ConfigError';
  constructor(
    code: ConfigErrorCode,
    /** Which field failed (or `file` for the document as a whole). */
    readonly field: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

const invalid = (field: string, message: string): ConfigError => new ConfigError('config_invalid', field, message);

function isLocalhost(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost');
}

function str(raw: Record<string, unknown>, field: string): string {
  const v = raw[field];
  if (typeof v !== 'string' || v.length === 0) throw invalid(field, `${field} must be a non-empty string`);
  return v;
}

function httpUrl(value: string, field: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(field, `${field} is not an absolute URL`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLocalhost(url.hostname))) {
    throw invalid(field, `${field} must use https (http only for localhost)`);
  }
  if (url.username !== '' || url.password !== '') throw invalid(field, `${field} must not carry userinfo`);
  if (url.hash !== '') throw invalid(field, `${field} must not carry a fragment`);
  return url;
}

/** An exact origin: `new URL(x).origin === x`, which rules out paths, queries, userinfo, `/`. */
function exactOrigin(value: unknown, field: string): string {
  if (typeof value !== 'string') throw invalid(field, `${field} must be a string`);
  const url = httpUrl(value, field);
  if (url.origin !== value) throw invalid(field, `${field} must be an exact origin like https://api.example.com`);
  return value;
}

function sameOriginUri(raw: Record<string, unknown>, field: string, swOrigin: string): string {
  const value = str(raw, field);
  const url = httpUrl(value, field);
  if (url.origin !== swOrigin) throw invalid(field, `${field} must be on the app's origin ${swOrigin}`);
  return value;
}

function apis(raw: unknown): ApiEntry[] {
  if (!Array.isArray(raw) || raw.length === 0) throw invalid('apis', 'apis must be a non-empty array');
  return raw.map((entry: unknown, i) => {
    const field = `apis[${i}]`;
    if (typeof entry !== 'object' || entry === null) throw invalid(field, `${field} must be an object`);
    const e = entry as Record<string, unknown>;
    const origin = exactOrigin(e['origin'], `${field}.origin`);
    const prefix = e['pathPrefix'];
    if (prefix === undefined) return { origin };
    if (typeof prefix !== 'string' || !prefix.startsWith('/') || /[?#\\]/.test(prefix) || prefix.includes('//')) {
      throw invalid(`${field}.pathPrefix`, `${field}.pathPrefix must be a path starting with /`);
    }
    return { origin, pathPrefix: prefix };
  });
}

/** Validates a parsed `/config.json`; throws `ConfigError` naming the first bad field. */
export function validateConfig(raw: unknown, swOrigin: string): VaultConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalid('file', 'config must be a JSON object');
  const r = raw as Record<string, unknown>;
  const issuer = str(r, 'issuer');
  const issuerUrl = httpUrl(issuer, 'issuer');
  if (issuerUrl.search !== '') throw invalid('issuer', 'issuer must not carry a query');
  const clientId = str(r, 'clientId');
  const redirectUri = sameOriginUri(r, 'redirectUri', swOrigin);
  // The SW answers exactly this navigation (owns.ts): a redirect URI elsewhere would land on a
  // page that shows the code to page script instead.
  if (new URL(redirectUri).pathname !== SW_ROUTES.callback || new URL(redirectUri).search !== '') {
    throw invalid('redirectUri', `redirectUri must be ${swOrigin}${SW_ROUTES.callback}`);
  }
  const postLogoutRedirectUri = sameOriginUri(r, 'postLogoutRedirectUri', swOrigin);
  const scope = str(r, 'scope');
  if (!scope.split(' ').includes('openid')) throw invalid('scope', 'scope must include openid');
  const config: { -readonly [K in keyof VaultConfig]: VaultConfig[K] } = {
    issuer,
    clientId,
    redirectUri,
    postLogoutRedirectUri,
    scope,
    apis: apis(r['apis']),
  };
  const resource = r['resource'];
  if (resource !== undefined) {
    const list = typeof resource === 'string' ? [resource] : resource;
    if (!Array.isArray(list) || list.length === 0) throw invalid('resource', 'resource must be a URL or a list of URLs');
    config.resource = list.map((v: unknown) => {
      if (typeof v !== 'string') throw invalid('resource', 'resource must be a URL or a list of URLs');
      httpUrl(v, 'resource');
      return v;
    });
  }
  const audience = r['audience'];
  if (audience !== undefined) {
    if (typeof audience !== 'string' || audience === '') throw invalid('audience', 'audience must be a non-empty string');
    config.audience = audience;
  }
  for (const flag of ['dpop', 'debug'] as const) {
    const v = r[flag];
    if (v === undefined) continue;
    if (typeof v !== 'boolean') throw invalid(flag, `${flag} must be true or false`);
    config[flag] = v;
  }
  return Object.freeze(config);
}

/** Fetches and validates `/config.json` once per SW instance; a failure is retried next time. */
export function configLoader(swOrigin: string, fetchFn: typeof fetch): () => Promise<VaultConfig> {
  let memo: Promise<VaultConfig> | undefined;
  return () => {
    memo ??= (async () => {
      let res: Response;
      try {
        res = await fetchFn(new URL('/config.json', swOrigin).href, { cache: 'no-store', credentials: 'same-origin' });
      } catch (cause) {
        throw new ConfigError('config_unreachable', 'file', '/config.json could not be fetched', { cause });
      }
      if (!res.ok) throw new ConfigError('config_unreachable', 'file', `/config.json answered ${res.status}`);
      let raw: unknown;
      try {
        raw = await res.json();
      } catch (cause) {
        throw new ConfigError('config_invalid', 'file', '/config.json is not JSON', { cause });
      }
      const config = validateConfig(raw, swOrigin);
      // The deployer's switch for the SW's debug log (a page cannot turn it on: A10).
      setDebugLogging(config.debug === true);
      return config;
    })();
    memo.catch(() => {
      memo = undefined;
    });
    return memo;
  };
}
