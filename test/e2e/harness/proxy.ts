/**
 * A forward HTTP proxy that Chromium sends every request through (`--proxy-server`; Playwright
 * adds `<-loopback>` so localhost is proxied too). Sitting between the browser and the IdP, it
 * sees the service worker's own traffic, so it can capture the real code, verifier and tokens,
 * count and hold token requests, and alter ID tokens, while the IdP keeps its real issuer: every
 * `iss`, redirect URI and cookie stays exactly what it would be without it.
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { closeServer, forwardHeaders, listenLocal, pipeAnswer, proxyTarget, readAll, tolerateAbort } from './forward-proxy.ts';

export interface ProxiedRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: IncomingHttpHeaders;
}

export interface TokenExchange {
  /** The form the client posted: grant_type, code, code_verifier, refresh_token, client_id, ... */
  readonly request: URLSearchParams;
  /** 0 when the proxy failed the request at the network level (setTokenNetworkFailure). */
  readonly status: number;
  /** The JSON the client received (after any alteration). */
  readonly response: Record<string, unknown> | null;
  /** The JSON the IdP answered, before alteration. */
  readonly original: Record<string, unknown> | null;
}

export type JsonTransform = (body: Record<string, unknown>, request: URLSearchParams) => Promise<Record<string, unknown>> | Record<string, unknown>;

/** A canned token endpoint answer given instead of forwarding (the IdP never sees the request). */
export interface CannedAnswer {
  readonly status: number;
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface ProxyOptions {
  /** The IdP's issuer: its discovery document names the token endpoint and JWKS URI. */
  readonly issuer: string;
}

export interface InspectingProxy {
  readonly server: string;
  readonly port: number;
  /** Every request the browser made, in order. */
  readonly requests: readonly ProxiedRequest[];
  readonly tokenExchanges: readonly TokenExchange[];
  /** Codes the IdP put into `Location` redirects (issued codes, read by whoever follows them). */
  readonly issuedCodes: readonly string[];
  /** Requests that reached the token endpoint (counted before they are forwarded). */
  tokenRequestCount(): number;
  /** Alters the token endpoint's JSON before the browser gets it (null: pass through). */
  setTokenResponseTransform(t: JsonTransform | null): void;
  /** Alters the JWKS the browser gets (e.g. to add a key the test signs with). */
  setJwksTransform(t: JsonTransform | null): void;
  /** Holds every token request until the returned function is called. */
  holdTokenRequests(): () => void;
  /**
   * Rewrites the `Location` of redirects the IdP answers (e.g. to change or drop the RFC 9207
   * `iss` parameter of an authorization response). Return null to leave it.
   */
  setLocationTransform(t: ((location: URL) => URL | null) | null): void;
  /** Makes every token request fail at the network level (the connection dies mid-answer) while set. */
  setTokenNetworkFailure(fail: boolean): void;
  /** Answers token requests `answer` picks (by their form) itself; null from it forwards. */
  setTokenAnswer(answer: ((request: URLSearchParams) => CannedAnswer | null) | null): void;
  /**
   * Holds the requests `match` picks for `ms` before forwarding them (token endpoint and JWKS
   * requests excepted). The body is read first, so a request whose client goes away meanwhile
   * (a SW stopped mid-request) still reaches the server: its answer is what gets lost. null: none.
   */
  delayRequests(match: ((request: ProxiedRequest) => boolean) | null, ms?: number): void;
  /** All token, code and verifier strings seen so far (for leak scans). */
  secrets(): string[];
  close(): Promise<void>;
}

interface Discovery {
  readonly token_endpoint: string;
  readonly jwks_uri: string;
}

async function discover(issuer: string): Promise<Discovery> {
  const res = await fetch(`${issuer}/.well-known/openid-configuration`);
  if (!res.ok) throw new Error(`proxy: discovery at ${issuer} answered ${res.status}`);
  const d = (await res.json()) as Partial<Discovery>;
  if (typeof d.token_endpoint !== 'string' || typeof d.jwks_uri !== 'string') {
    throw new Error('proxy: discovery lacks token_endpoint or jwks_uri');
  }
  return { token_endpoint: d.token_endpoint, jwks_uri: d.jwks_uri };
}

function sameEndpoint(a: URL, b: string): boolean {
  const e = new URL(b);
  return a.origin === e.origin && a.pathname === e.pathname;
}

function parseJson(buf: Buffer): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(buf.toString('utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export async function startInspectingProxy(opts: ProxyOptions): Promise<InspectingProxy> {
  const disc = await discover(opts.issuer);
  const requests: ProxiedRequest[] = [];
  const tokenExchanges: TokenExchange[] = [];
  const issuedCodes: string[] = [];
  let tokenCount = 0;
  let tokenTransform: JsonTransform | null = null;
  let jwksTransform: JsonTransform | null = null;
  let hold: Promise<void> | null = null;
  let failTokens = false;
  let cannedAnswer: ((request: URLSearchParams) => CannedAnswer | null) | null = null;
  let locationTransform: ((location: URL) => URL | null) | null = null;
  let delay: { readonly match: (request: ProxiedRequest) => boolean; readonly ms: number } | null = null;

  const upstream = (req: IncomingMessage, url: URL, body: Buffer | null): Promise<IncomingMessage> =>
    new Promise((resolve, reject) => {
      const up = httpRequest(
        { hostname: url.hostname, port: url.port, path: url.pathname + url.search, method: req.method, headers: forwardHeaders(req.headers) },
        resolve,
      );
      up.on('error', reject);
      if (body === null) req.pipe(up);
      else up.end(body);
    });

  const answer = (res: ServerResponse, up: IncomingMessage, body: Buffer): void => {
    const headers = forwardHeaders(up.headers);
    delete headers['content-length'];
    delete headers['content-encoding'];
    res.writeHead(up.statusCode ?? 502, { ...headers, 'content-length': String(body.length) });
    res.end(body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = proxyTarget(req, res);
    if (!url) return;
    const seen: ProxiedRequest = { method: req.method ?? 'GET', url, headers: req.headers };
    requests.push(seen);

    if (sameEndpoint(url, disc.token_endpoint) && req.method === 'POST') {
      tokenCount += 1;
      const body = await readAll(req);
      if (hold) await hold;
      if (failTokens) {
        tokenExchanges.push({ request: new URLSearchParams(body.toString('utf8')), status: 0, response: null, original: null });
        // The connection dies mid-answer. (Closed before any byte, Chromium itself would resend the
        // POST on a fresh connection when the socket was a reused keep-alive one.)
        req.socket.end('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n\r\n{"access_t', () => req.socket.destroy());
        return;
      }
      const form = new URLSearchParams(body.toString('utf8'));
      const canned = cannedAnswer?.(form);
      if (canned) {
        tokenExchanges.push({ request: form, status: canned.status, response: parseJson(Buffer.from(canned.body)), original: null });
        res.writeHead(canned.status, {
          'content-type': 'application/json',
          ...canned.headers,
          'content-length': String(Buffer.byteLength(canned.body)),
        });
        res.end(canned.body);
        return;
      }
      // Ask for identity so the JSON can be read and altered.
      req.headers['accept-encoding'] = 'identity';
      const up = await upstream(req, url, body);
      const raw = await readAll(up);
      const original = parseJson(raw);
      let response = original;
      if (original && tokenTransform && typeof original['id_token'] === 'string') response = await tokenTransform({ ...original }, form);
      tokenExchanges.push({ request: form, status: up.statusCode ?? 0, response, original });
      answer(res, up, response === original ? raw : Buffer.from(JSON.stringify(response)));
      return;
    }

    if (sameEndpoint(url, disc.jwks_uri) && jwksTransform) {
      req.headers['accept-encoding'] = 'identity';
      const up = await upstream(req, url, null);
      const json = parseJson(await readAll(up));
      const out = json ? await jwksTransform(json, new URLSearchParams()) : {};
      answer(res, up, Buffer.from(JSON.stringify(out)));
      return;
    }

    const delayMs = delay?.match(seen) ? delay.ms : 0;
    const delayedBody = delayMs > 0 ? await readAll(req) : null;
    if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
    const up = await upstream(req, url, delayedBody);
    const location = up.headers.location;
    if (typeof location === 'string') {
      let l: URL | undefined;
      try {
        l = new URL(location, url);
      } catch {
        /* not a URL: nothing to record */
      }
      if (l) {
        const code = l.searchParams.get('code') ?? new URLSearchParams(l.hash.slice(1)).get('code');
        if (code) issuedCodes.push(code);
        const changed = locationTransform?.(l);
        if (changed) up.headers.location = changed.href;
      }
    }
    res.writeHead(up.statusCode ?? 502, forwardHeaders(up.headers));
    pipeAnswer(up, res);
  };

  const server = createServer((req, res) => {
    tolerateAbort(req, res);
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
  });
  // Chromium only uses CONNECT for https, which this stack does not serve.
  server.on('connect', (_req, socket) => socket.end('HTTP/1.1 405 Method Not Allowed\r\n\r\n'));
  const port = await listenLocal(server);

  return {
    server: `http://localhost:${port}`,
    port,
    requests,
    tokenExchanges,
    issuedCodes,
    tokenRequestCount: () => tokenCount,
    setTokenResponseTransform: (t) => {
      tokenTransform = t;
    },
    setJwksTransform: (t) => {
      jwksTransform = t;
    },
    holdTokenRequests: () => {
      let release!: () => void;
      hold = new Promise<void>((r) => (release = r));
      return () => {
        hold = null;
        release();
      };
    },
    setLocationTransform: (t) => {
      locationTransform = t;
    },
    setTokenNetworkFailure: (fail) => {
      failTokens = fail;
    },
    setTokenAnswer: (a) => {
      cannedAnswer = a;
    },
    delayRequests: (match, ms = 2_000) => {
      delay = match ? { match, ms } : null;
    },
    secrets: () => {
      const s = new Set<string>(issuedCodes);
      for (const x of tokenExchanges) {
        for (const k of ['code', 'code_verifier', 'refresh_token']) {
          const v = x.request.get(k);
          if (v) s.add(v);
        }
        for (const body of [x.original, x.response]) {
          for (const k of ['access_token', 'refresh_token', 'id_token']) {
            const v = body?.[k];
            if (typeof v === 'string' && v) s.add(v);
          }
        }
      }
      return [...s];
    },
    close: () => closeServer(server),
  };
}
