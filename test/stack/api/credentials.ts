import type { IncomingMessage } from 'node:http';
import { ApiError, type AuthScheme } from './errors.ts';

/** RFC 6750 §2.1 `b64token`; RFC 9449 §7.1 uses the same token68 syntax. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

// A Map, not an object literal: a scheme named `constructor` must not find Object.prototype's.
const SCHEMES: ReadonlyMap<string, AuthScheme> = new Map([
  ['bearer', 'Bearer'],
  ['dpop', 'DPoP'],
]);

export interface PresentedToken {
  readonly scheme: AuthScheme;
  readonly token: string;
}

/**
 * Finds the one access token of a request, sent with the `Bearer` (RFC 6750 §2.1) or the `DPoP`
 * (RFC 9449 §7.1) scheme. Only the `Authorization` header is supported: a token in the query
 * (§2.3, it leaks into logs and history) or in a form body (§2.2) is refused with
 * `invalid_request`, and so is a token sent more than one way (§2: "MUST NOT use more than one
 * method"). A request whose only credentials use another scheme counts as "no credentials"
 * (RFC 6750 §3.1). Whether the scheme fits the token (a DPoP-bound token must come as DPoP, with a
 * proof) is dpop-binding.ts's business.
 *
 * @throws ApiError `missing_credentials` | `invalid_request`
 */
export function extractAccessToken(req: IncomingMessage, url: URL, rawBody: Buffer): PresentedToken {
  const inQuery = url.searchParams.has('access_token');
  const inBody = formBodyHasToken(req, rawBody);
  const headerValues = req.headersDistinct['authorization'] ?? [];

  if (headerValues.length > 1) {
    throw new ApiError('invalid_request', 'more than one Authorization header');
  }
  const header = headerValues[0];
  const ways = Number(header !== undefined) + Number(inQuery) + Number(inBody);
  if (ways > 1) throw new ApiError('invalid_request', 'the access token was sent more than one way');
  if (inQuery) throw new ApiError('invalid_request', 'access tokens in the query string are not accepted');
  if (inBody) throw new ApiError('invalid_request', 'access tokens in the request body are not accepted');
  if (header === undefined) throw new ApiError('missing_credentials', 'Bearer or DPoP credentials are required');

  const match = /^([A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*)(?: +(.*))?$/.exec(header);
  if (match === null) throw new ApiError('invalid_request', 'malformed Authorization header');
  const scheme = match[1] ?? '';
  // Auth schemes are case-insensitive (RFC 9110 §11.1).
  const known = SCHEMES.get(scheme.toLowerCase());
  if (known === undefined) throw new ApiError('missing_credentials', 'Bearer or DPoP credentials are required');
  const token = match[2]?.trim() ?? '';
  if (!B64TOKEN.test(token)) throw new ApiError('invalid_request', `malformed ${known} token`);
  return { scheme: known, token };
}

function formBodyHasToken(req: IncomingMessage, rawBody: Buffer): boolean {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded' || rawBody.length === 0) return false;
  return new URLSearchParams(rawBody.toString('utf8')).has('access_token');
}
