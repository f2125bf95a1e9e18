import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface IdpOptions {
  /** Listen on localhost:port; issuer = http://localhost:port. */
  port: number;
  /** e.g. http://localhost:5173: redirect URI `${appOrigin}/callback`, post-logout `${appOrigin}/`, CORS origin. */
  appOrigin: string;
  /** Todo API identifier / audience, e.g. http://localhost:4001. */
  apiOrigin: string;
  /** Seconds (env ACCESS_TOKEN_TTL, default 300). */
  accessTokenTtl?: number;
  /** Seconds (env REFRESH_TOKEN_TTL, default 86400). */
  refreshTokenTtl?: number;
  /** Seconds (env SESSION_TTL, default 86400). */
  sessionTtl?: number;
  /** env ACCESS_TOKEN_FORMAT, default jwt. */
  accessTokenFormat?: 'jwt' | 'opaque';
  /** Signing and cookie keys, generated at first start and reused; default `.keys/` at the repo root. */
  keysDir?: string;
  /**
   * env IDP_DATA_FILE: keep sessions, grants and tokens in this file (file-adapter.ts), so a
   * restart signs nobody out. Absent = memory only (what the test suites use).
   */
  dataFile?: string;
  /**
   * env IDP_REQUIRE_ID_TOKEN_HINT=1: answer `prompt=none` without an `id_token_hint` with an
   * `invalid_request` error redirect, as some IdPs do. Default off. A test switch (issue 9 item 7).
   */
  requireIdTokenHintWithPromptNone?: boolean;
  /**
   * env IDP_DPOP=1: DPoP (RFC 9449, C6) for the SPA client: required at the token endpoint,
   * access and refresh tokens bound to the proof key, nonces required. Default off, so a client
   * without DPoP keeps working.
   */
  dpop?: boolean;
}

/** Stable codes for the IdP's start-up failures. */
export type IdpErrorCode = 'IDP_PORT_IN_USE' | 'IDP_BAD_ENV' | 'IDP_DATA_FILE_INVALID';

export class IdpError extends Error {
  readonly code: IdpErrorCode;
  constructor(code: IdpErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IdpError';
    this.code = code;
  }
}

export const DEFAULT_KEYS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../.keys');

export const DEFAULTS = { accessTokenTtl: 300, refreshTokenTtl: 86400, sessionTtl: 86400 } as const;

function seconds(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    throw new IdpError('IDP_BAD_ENV', `${name} must be a whole number of seconds (>= 1), got "${raw}"`);
  }
  return n;
}

function flag(env: NodeJS.ProcessEnv, name: string): boolean | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (raw === '1' || raw === 'true') return true;
  if (raw === '0' || raw === 'false') return false;
  throw new IdpError('IDP_BAD_ENV', `${name} must be 1 or 0 (true or false), got "${raw}"`);
}

/**
 * Reads ACCESS_TOKEN_TTL, REFRESH_TOKEN_TTL, SESSION_TTL (seconds), ACCESS_TOKEN_FORMAT,
 * IDP_DATA_FILE, KEYS_DIR, IDP_REQUIRE_ID_TOKEN_HINT and IDP_DPOP.
 */
export function idpOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): Omit<IdpOptions, 'port' | 'appOrigin' | 'apiOrigin'> {
  const format = env['ACCESS_TOKEN_FORMAT'];
  if (format !== undefined && format !== '' && format !== 'jwt' && format !== 'opaque') {
    throw new IdpError('IDP_BAD_ENV', `ACCESS_TOKEN_FORMAT must be "jwt" or "opaque", got "${format}"`);
  }
  const out: Omit<IdpOptions, 'port' | 'appOrigin' | 'apiOrigin'> = {};
  const at = seconds(env, 'ACCESS_TOKEN_TTL');
  const rt = seconds(env, 'REFRESH_TOKEN_TTL');
  const st = seconds(env, 'SESSION_TTL');
  if (at !== undefined) out.accessTokenTtl = at;
  if (rt !== undefined) out.refreshTokenTtl = rt;
  if (st !== undefined) out.sessionTtl = st;
  if (format === 'jwt' || format === 'opaque') out.accessTokenFormat = format;
  const dataFile = env['IDP_DATA_FILE'];
  const keysDir = env['KEYS_DIR'];
  if (dataFile !== undefined && dataFile !== '') out.dataFile = dataFile;
  if (keysDir !== undefined && keysDir !== '') out.keysDir = keysDir;
  const hint = flag(env, 'IDP_REQUIRE_ID_TOKEN_HINT');
  if (hint !== undefined) out.requireIdTokenHintWithPromptNone = hint;
  const dpop = flag(env, 'IDP_DPOP');
  if (dpop !== undefined) out.dpop = dpop;
  return out;
}
