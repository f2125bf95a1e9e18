import type { IntrospectionClient } from './introspect.ts';
import type { TokenValidator } from './principal.ts';

export interface ApiOptions {
  /** Listen on localhost:port. */
  port: number;
  /**
   * The issuer this API trusts (env API_ISSUER), exactly as its discovery document states it; it
   * may have a path (`https://idp.example/api/oidc`). Its metadata is discovered lazily from
   * `<issuer>/.well-known/openid-configuration` (the API may start first).
   */
  issuer: string;
  /** env API_AUDIENCE: the identifier `aud` must contain (B4); default the API's origin `http://localhost:port`. */
  audience?: string;
  /** The only CORS origin allowed (env APP_ORIGIN, else http://localhost:APP_PORT). */
  appOrigin: string;
  /** env TOKEN_VALIDATION; default `jwt`. */
  validation?: 'jwt' | 'introspection';
  /** env API_CLIENT_ID / API_CLIENT_SECRET; default `todo-api` / `todo-api-secret` (the local IdP's). */
  introspectionClient?: IntrospectionClient;
  /** env TODO_DATA_FILE: persist todos there (atomic writes); absent = memory only. */
  dataFile?: string;
  /** Leeway for `exp`, `nbf`, `iat`; default 5. */
  clockToleranceSec?: number;
  /** Upper bound on reusing a positive introspection answer (B8); default 30. */
  introspectionCacheMaxAgeSec?: number;
  /** Default 1000. */
  maxTodosPerUser?: number;
  /** JWT mode: verified tokens remembered until their `exp` (issue 12); default 1000, 0 = off. */
  verifiedTokenCacheSize?: number;
  /** Replaces the validator `validation` selects (the bench measures the API without validation). */
  validator?: TokenValidator;
}

export const DEFAULT_INTROSPECTION_CLIENT_ID = 'todo-api';
export const DEFAULT_INTROSPECTION_CLIENT_SECRET = 'todo-api-secret';
export const DEFAULT_CLOCK_TOLERANCE_SEC = 5;

/** A start-up setting the API cannot use; the message names the variable. */
export class ApiConfigError extends Error {
  readonly code = 'API_BAD_ENV';
  readonly variable: string;
  constructor(variable: string, message: string) {
    super(message);
    this.name = 'ApiConfigError';
    this.variable = variable;
  }
}

type EnvOptions = Pick<ApiOptions, 'validation' | 'dataFile' | 'introspectionClient' | 'issuer' | 'audience'>;

/**
 * Reads TOKEN_VALIDATION, API_ISSUER, API_AUDIENCE, API_CLIENT_ID, API_CLIENT_SECRET and
 * TODO_DATA_FILE. Unset variables are left out, so callers' defaults apply.
 * @throws ApiConfigError naming the variable
 */
export function apiOptionsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): Partial<EnvOptions> & Pick<EnvOptions, 'validation' | 'introspectionClient'> {
  const mode = env['TOKEN_VALIDATION'] || 'jwt';
  if (mode !== 'jwt' && mode !== 'introspection') {
    throw new ApiConfigError('TOKEN_VALIDATION', `TOKEN_VALIDATION must be "jwt" or "introspection", got "${mode}"`);
  }
  const issuer = set(env['API_ISSUER']);
  const audience = set(env['API_AUDIENCE']);
  const dataFile = set(env['TODO_DATA_FILE']);
  if (issuer !== undefined) checkIssuer(issuer);
  return {
    validation: mode,
    introspectionClient: introspectionClientFromEnv(env),
    ...(issuer !== undefined ? { issuer } : {}),
    ...(audience !== undefined ? { audience } : {}),
    ...(dataFile !== undefined ? { dataFile } : {}),
  };
}

export function introspectionClientFromEnv(env: NodeJS.ProcessEnv): IntrospectionClient {
  return {
    clientId: set(env['API_CLIENT_ID']) ?? DEFAULT_INTROSPECTION_CLIENT_ID,
    clientSecret: set(env['API_CLIENT_SECRET']) ?? DEFAULT_INTROSPECTION_CLIENT_SECRET,
  };
}

function set(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/**
 * An issuer identifier (RFC 8414 §2, OIDC Discovery §2): an https URL without query or fragment;
 * http only for localhost, as in the app's own config.
 */
function checkIssuer(value: string): void {
  const problem = 'API_ISSUER must be the issuer URL exactly as the IdP states it, e.g. https://idp.example/api/oidc';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ApiConfigError('API_ISSUER', `${problem}; got "${value}" (not a URL)`);
  }
  const localHttp = url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !localHttp) {
    throw new ApiConfigError('API_ISSUER', `${problem}; got "${value}" (https, or http only for localhost)`);
  }
  if (url.search !== '' || url.hash !== '' || value.includes('?') || value.includes('#')) {
    throw new ApiConfigError('API_ISSUER', `${problem}; got "${value}" (no query or fragment)`);
  }
}
