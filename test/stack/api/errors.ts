import type { ServerResponse } from 'node:http';
import { ALLOWED_ALGS } from './algorithms.ts';

/**
 * Stable error codes of the Todo API. `invalid_request`, `invalid_token`, `insufficient_scope`
 * (RFC 6750 §3.1) and `invalid_dpop_proof`, `use_dpop_nonce` (RFC 9449 §7.1, §9) also appear in
 * `WWW-Authenticate`; the rest are this API's own and appear only in the JSON body.
 */
export type ApiErrorCode =
  | 'missing_credentials'
  | 'invalid_request'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'invalid_dpop_proof'
  | 'use_dpop_nonce'
  | 'invalid_json'
  | 'invalid_body'
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'not_found'
  | 'method_not_allowed'
  | 'todo_limit_reached'
  | 'precondition_failed'
  | 'idempotency_key_reused'
  | 'temporarily_unavailable'
  | 'server_error';

const STATUS: Record<ApiErrorCode, number> = {
  missing_credentials: 401,
  invalid_request: 400,
  invalid_token: 401,
  insufficient_scope: 403,
  invalid_dpop_proof: 401,
  use_dpop_nonce: 401,
  invalid_json: 400,
  invalid_body: 400,
  unsupported_media_type: 415,
  payload_too_large: 413,
  not_found: 404,
  method_not_allowed: 405,
  todo_limit_reached: 409,
  // RFC 9110 §15.5.13: If-Match named a version that is no longer current.
  precondition_failed: 412,
  // draft-ietf-httpapi-idempotency-key-header §2.7: a key reused with another request.
  idempotency_key_reused: 422,
  temporarily_unavailable: 503,
  server_error: 500,
};

/** The realm every Bearer challenge names (RFC 6750 §3). */
export const REALM = 'todos';

export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly status: number;
  /** For `insufficient_scope`: the scope the route needs (RFC 6750 §3). */
  readonly scope: string | undefined;
  /** Extra response headers, e.g. `Allow` on a 405. */
  readonly headers: Readonly<Record<string, string>>;
  /** Extra members of the JSON body, e.g. `current` on a 412. */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: ApiErrorCode,
    description: string,
    opts: { cause?: unknown; scope?: string; headers?: Record<string, string>; details?: Record<string, unknown> } = {},
  ) {
    super(description, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'ApiError';
    this.code = code;
    this.status = STATUS[code];
    this.scope = opts.scope;
    this.headers = opts.headers ?? {};
    this.details = opts.details ?? {};
  }
}

/** RFC 6750 §3 auth-param values are quoted strings without `"` or `\`. */
function quoted(value: string): string {
  return `"${value.replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, ' ')}"`;
}

/** How the request presented its access token (RFC 6750 `Bearer`, RFC 9449 `DPoP`). */
export type AuthScheme = 'Bearer' | 'DPoP';

const CHALLENGE_CODES: ReadonlySet<ApiErrorCode> = new Set([
  'invalid_request',
  'invalid_token',
  'insufficient_scope',
  'invalid_dpop_proof',
  'use_dpop_nonce',
]);

/** RFC 9449 §7.1: a DPoP challenge names the proof algorithms the resource server accepts. */
const DPOP_OFFER = `DPoP realm=${quoted(REALM)}, algs=${quoted(ALLOWED_ALGS.join(' '))}`;

/**
 * The `WWW-Authenticate` value: the error in the scheme the request used (DPoP errors always in
 * DPoP), and on a 401 answered in Bearer the DPoP challenge too, since this API takes both
 * (RFC 9449 §7.2).
 */
function challenge(err: ApiError, scheme: AuthScheme | undefined): string | undefined {
  // No credentials at all: RFC 6750 §3.1 says "the resource server SHOULD NOT include an error code".
  if (err.code === 'missing_credentials') return `Bearer realm=${quoted(REALM)}, ${DPOP_OFFER}`;
  if (!CHALLENGE_CODES.has(err.code)) return undefined;
  const inDpop = scheme === 'DPoP' || err.code === 'invalid_dpop_proof' || err.code === 'use_dpop_nonce';
  const params = [`realm=${quoted(REALM)}`, `error=${quoted(err.code)}`, `error_description=${quoted(err.message)}`];
  if (err.scope !== undefined) params.push(`scope=${quoted(err.scope)}`);
  if (inDpop) return `DPoP ${params.join(', ')}, algs=${quoted(ALLOWED_ALGS.join(' '))}`;
  return `Bearer ${params.join(', ')}${err.status === 401 ? `, ${DPOP_OFFER}` : ''}`;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(text);
}

/**
 * Writes any thrown value as a JSON error. Unknown errors become a bare 500 `server_error`: the
 * body never carries a stack trace or an internal message.
 */
export function sendError(res: ServerResponse, thrown: unknown, scheme?: AuthScheme): void {
  const err = thrown instanceof ApiError ? thrown : new ApiError('server_error', 'internal error');
  const headers: Record<string, string> = { ...err.headers };
  const www = challenge(err, scheme);
  if (www !== undefined) headers['WWW-Authenticate'] = www;
  sendJson(res, err.status, { ...err.details, error: err.code, error_description: err.message }, headers);
}
