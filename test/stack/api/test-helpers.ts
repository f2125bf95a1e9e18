/**
 * Test-only helpers: a tiny issuer (discovery + JWKS, our own ES256 key) to mint forged and valid
 * access tokens, a server that records whether anything reached it, and small HTTP helpers.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { before } from 'node:test';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { freePort } from '../free-port.ts';
import { useTeardown } from '../teardown.ts';
import { startApi, type RunningApi } from './server.ts';

export interface TestIssuer {
  readonly issuer: string;
  readonly port: number;
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  /** Requests that reached the issuer, by path. */
  readonly hits: Map<string, number>;
  close(): Promise<void>;
}

/**
 * `path` puts the issuer under a path (`/api/oidc`; `/` gives an issuer with a trailing slash);
 * discovery and JWKS are served below it, as OIDC Discovery §4 places them. `advertisedIssuer`
 * makes the discovery document state another issuer than the one it is served for.
 */
export async function startTestIssuer(opts: { port?: number; path?: string; advertisedIssuer?: string } = {}): Promise<TestIssuer> {
  const port = opts.port ?? (await freePort());
  const issuer = `http://localhost:${port}${opts.path ?? ''}`;
  const base = issuer.replace(/\/$/, '');
  const kid = `test-${randomUUID().slice(0, 8)}`;
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  const hits = new Map<string, number>();
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', issuer).pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const json = (body: unknown): void => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (`http://localhost:${port}${path}` === `${base}/.well-known/openid-configuration`) {
      return json({ issuer: opts.advertisedIssuer ?? issuer, jwks_uri: `${base}/jwks` });
    }
    if (`http://localhost:${port}${path}` === `${base}/jwks`) return json({ keys: [jwk] });
    res.writeHead(404).end();
  });
  await listen(server, port);
  return { issuer, port, kid, privateKey, publicKey, hits, close: () => closeServer(server) };
}

export interface MintOptions {
  readonly claims?: JWTPayload;
  /** Claims to leave out of the defaults. */
  readonly omit?: readonly string[];
  readonly header?: Record<string, unknown>;
  readonly key?: CryptoKey | Uint8Array;
}

/** A JWT access token shaped like the IdP's (RFC 9068), signed with the test issuer's key unless told otherwise. */
export async function mint(iss: TestIssuer, audience: string, opts: MintOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const omitted = new Set(opts.omit);
  const defaults: JWTPayload = {
    iss: iss.issuer,
    sub: 'alice-sub',
    aud: audience,
    iat: now,
    exp: now + 300,
    jti: randomUUID(),
    client_id: 'todo-spa',
    scope: 'openid todos:read todos:write',
    ...opts.claims,
  };
  const claims: JWTPayload = Object.fromEntries(Object.entries(defaults).filter(([name]) => !omitted.has(name)));
  const header = { alg: 'ES256', typ: 'at+jwt', kid: iss.kid, ...opts.header } as { alg: string } & Record<string, unknown>;
  return new SignJWT(claims).setProtectedHeader(header).sign(opts.key ?? iss.privateKey);
}

/** An unsigned JWT (`alg: none`), built by hand since jose refuses to make one for verification. */
export function unsecuredJwt(header: Record<string, unknown>, claims: JWTPayload): string {
  const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${b64({ ...header, alg: 'none' })}.${b64(claims)}.`;
}

export async function publicKeyPem(iss: TestIssuer): Promise<string> {
  return exportSPKI(iss.publicKey);
}

/** A server that answers 200 `{}` to everything and counts what reached it (the "attacker"). */
export async function startRecordingServer(): Promise<{ url: string; count(): number; close(): Promise<void> }> {
  const port = await freePort();
  let count = 0;
  const server = createServer((req, res) => {
    count += 1;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{"keys":[]}');
  });
  await listen(server, port);
  return { url: `http://localhost:${port}`, count: () => count, close: () => closeServer(server) };
}

export function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, 'localhost', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** Parses a `WWW-Authenticate: Bearer k="v", …` challenge into its scheme and params. */
export function parseChallenge(header: string | null): { scheme: string; params: Record<string, string> } | null {
  if (header === null) return null;
  const [scheme = '', ...rest] = header.split(' ');
  const params: Record<string, string> = {};
  for (const m of rest.join(' ').matchAll(/([a-z_]+)="([^"]*)"/g)) params[m[1] ?? ''] = m[2] ?? '';
  return { scheme, params };
}

export function bearer(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}

export const JSON_HEADERS = { 'Content-Type': 'application/json' } as const;

export interface ErrorBody {
  error: string;
  error_description: string;
}

/** Asserts a JSON error body with `error` and `error_description` and no stack trace; returns it. */
export async function errorBody<T extends object = ErrorBody>(res: Response): Promise<ErrorBody & T> {
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  const text = await res.text();
  assert.doesNotMatch(text, /\n\s+at /, 'a stack trace leaked');
  const body = JSON.parse(text) as ErrorBody & T;
  assert.equal(typeof body.error, 'string');
  assert.equal(typeof body.error_description, 'string');
  return body;
}

export interface WireTodo {
  id: string;
  title: string;
  completed: boolean;
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** One call to the Todo API with a Bearer token; `body` is sent as JSON. */
export function call(
  origin: string,
  token: string,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  path: string,
  opts: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<Response> {
  return fetch(`${origin}${path}`, {
    method,
    headers: { ...bearer(token), ...(opts.body !== undefined ? JSON_HEADERS : {}), ...opts.headers },
    ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
  });
}

export async function listTodos(origin: string, token: string): Promise<WireTodo[]> {
  const res = await call(origin, token, 'GET', '/todos');
  assert.equal(res.status, 200);
  return (await res.json()) as WireTodo[];
}

/** The app origin the suites' APIs allow (CORS). */
export const APP_ORIGIN = 'http://localhost:5173';

export interface ApiFixture {
  readonly iss: TestIssuer;
  readonly api: RunningApi;
  /** Tokens for `alice-sub` and `bob-sub`, both scopes. */
  readonly alice: string;
  readonly bob: string;
}

/**
 * One test issuer and one API (memory store) for a test file; `ready` receives them before the
 * tests run. Put further setup in `ready`: Node 20 runs a file's top-level `before` hooks
 * concurrently, so a second hook could not rely on this one.
 */
export function useApiFixture(ready: (f: ApiFixture) => unknown): void {
  const teardown = useTeardown();
  before(async () => {
    const iss = teardown.add(await startTestIssuer());
    const api = teardown.add(await startApi({ port: await freePort(), issuer: iss.issuer, appOrigin: APP_ORIGIN }));
    await ready({
      iss,
      api,
      alice: await mint(iss, api.origin, { claims: { sub: 'alice-sub' } }),
      bob: await mint(iss, api.origin, { claims: { sub: 'bob-sub' } }),
    });
  });
}

/** Sends a raw request (fetch cannot send two Authorization headers or stream a chunked body). */
export function raw(
  origin: string,
  method: string,
  path: string,
  headers: Record<string, string | string[]>,
  body?: string[],
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${origin}${path}`, { method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    for (const chunk of body ?? []) req.write(chunk);
    req.end();
  });
}

/** POST /todos with a body sent as it is (a string) or as JSON, and the given headers. */
export function post(origin: string, token: string, body: unknown, headers: Record<string, string> = JSON_HEADERS): Promise<Response> {
  return fetch(`${origin}/todos`, {
    method: 'POST',
    headers: { ...bearer(token), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}
