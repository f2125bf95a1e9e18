import { createHash, randomBytes } from 'node:crypto';

/**
 * Drives a real authorization code flow against the local IdP over plain HTTP: fetch with
 * manual redirects and a tiny cookie jar, the way a browser would, but scripted. Used by the IdP
 * and API test suites (and handy with `tsx` for poking at a running stack).
 */

export const DEFAULT_SCOPE = 'openid profile email offline_access todos:read todos:write';
const SPA_CLIENT_ID = 'todo-spa';
const MAX_REDIRECTS = 20;

export type FlowErrorCode =
  | 'FLOW_UNEXPECTED_RESPONSE'
  | 'FLOW_TOO_MANY_REDIRECTS'
  | 'FLOW_LOGIN_REJECTED'
  | 'FLOW_AUTHORIZATION_ERROR'
  | 'FLOW_STATE_MISMATCH'
  | 'FLOW_ISS_MISMATCH'
  | 'FLOW_TOKEN_ERROR';

export class FlowError extends Error {
  readonly code: FlowErrorCode;
  constructor(code: FlowErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FlowError';
    this.code = code;
  }
}

/** Cookies of one host (every origin here is localhost, and cookies ignore ports). */
export class CookieJar {
  readonly #cookies = new Map<string, string>();

  /** Stores the Set-Cookie headers of a response. */
  store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq < 1) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => {
        const [k = '', v = ''] = a.trim().split('=');
        if (k.toLowerCase() === 'max-age') return Number(v) <= 0;
        if (k.toLowerCase() === 'expires') return Date.parse(v) <= Date.now();
        return false;
      });
      if (expired || value === '') this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  names(): string[] {
    return [...this.#cookies.keys()];
  }

  clone(): CookieJar {
    const copy = new CookieJar();
    for (const [k, v] of this.#cookies) copy.#cookies.set(k, v);
    return copy;
  }
}

export interface FlowOptions {
  issuer: string;
  appOrigin: string;
  username: string;
  password: string;
  /** Default DEFAULT_SCOPE. */
  scope?: string;
  extraAuthorizeParams?: Record<string, string>;
}

export interface TokenSet {
  access_token: string;
  refresh_token?: string;
  id_token?: string;
  expires_in: number;
  scope?: string;
  token_type: string;
}

export interface PkcePair {
  verifier: string;
  challenge: string;
}

export function pkcePair(): PkcePair {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function redirectUriFor(appOrigin: string): string {
  return `${appOrigin}/callback`;
}

export interface AuthorizeRequest {
  url: URL;
  state: string;
  nonce: string;
  pkce: PkcePair;
}

/** A standard request of the SPA to /auth; `params` overrides or adds any parameter. */
export function authorizeRequest(
  issuer: string,
  appOrigin: string,
  params: Record<string, string> = {},
  scope: string = DEFAULT_SCOPE,
): AuthorizeRequest {
  const pkce = pkcePair();
  const state = randomBytes(12).toString('base64url');
  const nonce = randomBytes(12).toString('base64url');
  const url = new URL('/auth', issuer);
  const all: Record<string, string> = {
    client_id: SPA_CLIENT_ID,
    response_type: 'code',
    redirect_uri: redirectUriFor(appOrigin),
    scope,
    state,
    nonce,
    code_challenge: pkce.challenge,
    code_challenge_method: 'S256',
    ...params,
  };
  for (const [k, v] of Object.entries(all)) url.searchParams.set(k, v);
  return { url, state, nonce, pkce };
}

/** One request with the jar's cookies and no automatic redirect. */
export async function send(url: string | URL, jar: CookieJar, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const cookie = jar.header();
  if (cookie !== '') headers.set('Cookie', cookie);
  const res = await fetch(url, { ...init, headers, redirect: 'manual' });
  jar.store(res);
  return res;
}

export interface Landing {
  /** The last response: a non-redirect at the IdP, or the redirect that leaves it. */
  response: Response;
  /** Where it landed: the IdP page's URL, or the redirect's target outside the IdP. */
  url: URL;
  /** True when the last response redirects away from the IdP (to the app). */
  leftIdp: boolean;
}

/** Follows redirects inside the IdP and stops at the first page or at a redirect out of it. */
export async function follow(start: Response, startUrl: URL, jar: CookieJar): Promise<Landing> {
  let res = start;
  let url = startUrl;
  for (let i = 0; i < MAX_REDIRECTS; i++) {
    const location = res.status >= 300 && res.status < 400 ? res.headers.get('Location') : null;
    if (location === null) return { response: res, url, leftIdp: false };
    const next = new URL(location, url);
    if (next.origin !== startUrl.origin) return { response: res, url: next, leftIdp: true };
    await res.body?.cancel();
    url = next;
    res = await send(url, jar);
  }
  throw new FlowError('FLOW_TOO_MANY_REDIRECTS', `more than ${MAX_REDIRECTS} redirects from ${startUrl.href}`);
}

/** GET /auth and follow to the login page or back to the app. */
export async function startAuthorization(url: URL, jar: CookieJar): Promise<Landing> {
  return follow(await send(url, jar), url, jar);
}

/** The action of the login page's `<form method="post">`, resolved against the page URL. */
export function loginFormAction(html: string, pageUrl: URL): URL {
  const m = /<form[^>]*method="post"[^>]*action="([^"]+)"/i.exec(html) ?? /<form[^>]*action="([^"]+)"[^>]*method="post"/i.exec(html);
  if (m?.[1] === undefined) throw new FlowError('FLOW_UNEXPECTED_RESPONSE', `no login form at ${pageUrl.href}`);
  return new URL(m[1].replace(/&amp;/g, '&'), pageUrl);
}

/** Posts the credentials to the login page's form and follows on. */
export async function submitLogin(page: Landing, jar: CookieJar, username: string, password: string): Promise<Landing> {
  const action = loginFormAction(await page.response.text(), page.url);
  const res = await send(action, jar, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password }).toString(),
  });
  return follow(res, action, jar);
}

export interface CallbackParams {
  code?: string;
  state?: string;
  iss?: string;
  error?: string;
  error_description?: string;
}

export function callbackParams(url: URL): CallbackParams {
  const out: CallbackParams = {};
  for (const key of ['code', 'state', 'iss', 'error', 'error_description'] as const) {
    const v = url.searchParams.get(key);
    if (v !== null) out[key] = v;
  }
  return out;
}

/**
 * POST /token as the SPA would from its origin (the Origin header drives the IdP's CORS);
 * `extraHeaders` adds e.g. a `DPoP` proof.
 */
export function tokenRequest(
  issuer: string,
  body: Record<string, string>,
  appOrigin?: string,
  extraHeaders: Record<string, string> = {},
): Promise<Response> {
  const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded', ...extraHeaders };
  if (appOrigin !== undefined) headers['Origin'] = appOrigin;
  return fetch(new URL('/token', issuer), {
    method: 'POST',
    headers,
    body: new URLSearchParams({ client_id: SPA_CLIENT_ID, ...body }).toString(),
  });
}

export async function exchangeCode(issuer: string, appOrigin: string, code: string, verifier: string): Promise<TokenSet> {
  const res = await tokenRequest(
    issuer,
    {
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUriFor(appOrigin),
      code_verifier: verifier,
    },
    appOrigin,
  );
  const body = (await res.json()) as TokenSet & { error?: string };
  if (!res.ok) throw new FlowError('FLOW_TOKEN_ERROR', `token endpoint said ${res.status} ${body.error ?? ''}`);
  return body;
}

/** Raw token-endpoint response to a refresh_token grant by the SPA. */
export function refresh(issuer: string, refreshToken: string, appOrigin?: string, extraHeaders: Record<string, string> = {}): Promise<Response> {
  return tokenRequest(issuer, { grant_type: 'refresh_token', refresh_token: refreshToken }, appOrigin, extraHeaders);
}

/** Checks a callback the way the SPA must (state, RFC 9207 iss) and returns its code. */
export function codeFromCallback(landing: Landing, req: AuthorizeRequest, issuer: string): string {
  if (!landing.leftIdp) {
    throw new FlowError('FLOW_UNEXPECTED_RESPONSE', `stopped at ${landing.url.href} (${landing.response.status})`);
  }
  const p = callbackParams(landing.url);
  if (p.state !== req.state) throw new FlowError('FLOW_STATE_MISMATCH', 'state does not match');
  if (p.iss !== issuer) throw new FlowError('FLOW_ISS_MISMATCH', `iss ${p.iss ?? '(none)'} is not ${issuer}`);
  if (p.error !== undefined) throw new FlowError('FLOW_AUTHORIZATION_ERROR', `${p.error}: ${p.error_description ?? ''}`);
  if (p.code === undefined) throw new FlowError('FLOW_UNEXPECTED_RESPONSE', 'callback without code');
  return p.code;
}

/** A full sign-in: /auth, login form, silent consent, callback, code exchange. */
export async function signIn(opts: FlowOptions): Promise<{ tokens: TokenSet; cookies: CookieJar }> {
  const jar = new CookieJar();
  const req = authorizeRequest(opts.issuer, opts.appOrigin, opts.extraAuthorizeParams, opts.scope);
  let landing = await startAuthorization(req.url, jar);
  if (!landing.leftIdp) {
    if (landing.response.status !== 200) {
      throw new FlowError('FLOW_UNEXPECTED_RESPONSE', `${landing.url.href} answered ${landing.response.status}`);
    }
    landing = await submitLogin(landing, jar, opts.username, opts.password);
    if (!landing.leftIdp) {
      await landing.response.body?.cancel();
      throw new FlowError('FLOW_LOGIN_REJECTED', `login as ${opts.username} did not return to the app`);
    }
  }
  const code = codeFromCallback(landing, req, opts.issuer);
  const tokens = await exchangeCode(opts.issuer, opts.appOrigin, code, req.pkce.verifier);
  return { tokens, cookies: jar };
}

/** A prompt=none authorization with existing IdP cookies; returns where the IdP sent the browser. */
export async function silentAuthorize(
  issuer: string,
  appOrigin: string,
  jar: CookieJar,
  params: Record<string, string> = {},
): Promise<{ req: AuthorizeRequest; landing: Landing }> {
  const req = authorizeRequest(issuer, appOrigin, { prompt: 'none', ...params });
  return { req, landing: await startAuthorization(req.url, jar) };
}
