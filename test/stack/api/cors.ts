import type { IncomingMessage, ServerResponse } from 'node:http';

export const CORS_ALLOWED_METHODS = 'GET, POST, PATCH, DELETE';
// Listed one by one: `*` would not cover Authorization (Fetch spec). DPoP carries the proof (B7);
// Idempotency-Key and If-Match make retried and conditional writes safe (issue 9).
export const CORS_ALLOWED_HEADERS = 'Authorization, Content-Type, DPoP, Idempotency-Key, If-Match';
// The SPA must read the challenge (RFC 6750 §3), the DPoP nonce (RFC 9449 §8) and a todo's ETag.
export const CORS_EXPOSED_HEADERS = 'WWW-Authenticate, DPoP-Nonce, ETag';
// Ten minutes: Chromium caps preflight caching at 2 hours; short enough that a policy change lands soon.
export const CORS_MAX_AGE_SEC = 600;

/**
 * Sets the CORS headers of an actual (non-preflight) response. Only the one exact app origin gets
 * them; `Vary: Origin` always, so a shared cache never serves one origin's answer to another.
 * Error responses go through here too, so the SPA can read a 401's `WWW-Authenticate`.
 */
export function applyCors(req: IncomingMessage, res: ServerResponse, appOrigin: string): void {
  res.setHeader('Vary', 'Origin');
  if (req.headers.origin !== appOrigin) return;
  res.setHeader('Access-Control-Allow-Origin', appOrigin);
  res.setHeader('Access-Control-Expose-Headers', CORS_EXPOSED_HEADERS);
}

export function isPreflight(req: IncomingMessage): boolean {
  return req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
}

/** Answers a preflight: 204 for everyone, CORS headers only for the exact app origin. */
export function answerPreflight(req: IncomingMessage, res: ServerResponse, appOrigin: string): void {
  res.setHeader('Vary', 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers');
  if (req.headers.origin === appOrigin) {
    res.setHeader('Access-Control-Allow-Origin', appOrigin);
    res.setHeader('Access-Control-Allow-Methods', CORS_ALLOWED_METHODS);
    res.setHeader('Access-Control-Allow-Headers', CORS_ALLOWED_HEADERS);
    res.setHeader('Access-Control-Max-Age', String(CORS_MAX_AGE_SEC));
  }
  res.writeHead(204, { 'Content-Length': '0' });
  res.end();
}
