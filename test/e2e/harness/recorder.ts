/**
 * A server that records what reaches it, for A6: it answers every CORS preflight permissively
 * (any origin, any requested header), so if the SW ever put `Authorization` on a request to it,
 * the request would get through and be recorded rather than stopped by the browser.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly host: string;
  readonly authorization: string | undefined;
  /** For preflights: the headers the browser asked to send. */
  readonly requestedHeaders: string | undefined;
  readonly headers: IncomingHttpHeaders;
}

export interface RecordingServer {
  /** The origin to reach it by (with the host name the test chose). */
  readonly origin: string;
  readonly port: number;
  readonly requests: readonly RecordedRequest[];
  /** Requests that carried, or asked to carry, an Authorization header. */
  withAuthorization(): RecordedRequest[];
  close(): Promise<void>;
}

/** An answer a test wants for some requests instead of the default `200 []`. */
export type Respond = (req: {
  readonly method: string;
  readonly path: string;
}) => { status: number; headers?: Record<string, string>; body?: string } | undefined;

/**
 * @param listenHost the address to bind ('localhost' or '127.0.0.1')
 * @param publicHost the host name pages use to reach it (e.g. a name mapped by --host-resolver-rules)
 */
export async function startRecordingServer(listenHost: string, publicHost = listenHost, port = 0, respond?: Respond): Promise<RecordingServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const acrh = req.headers['access-control-request-headers'];
    requests.push({
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      host: req.headers.host ?? '',
      authorization: req.headers.authorization,
      requestedHeaders: typeof acrh === 'string' ? acrh : undefined,
      headers: req.headers,
    });
    req.resume();
    const origin = req.headers.origin;
    if (origin) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      res.setHeader('Vary', 'Origin');
    }
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH, DELETE');
      if (typeof acrh === 'string') res.setHeader('Access-Control-Allow-Headers', acrh);
      res.writeHead(204).end();
      return;
    }
    // Cross-origin-resource-policy lets <img> and no-cors loads complete too.
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    const custom = respond?.({ method: req.method ?? 'GET', path: req.url ?? '/' });
    if (custom) {
      res.writeHead(custom.status, { 'Access-Control-Expose-Headers': 'WWW-Authenticate', ...custom.headers });
      res.end(custom.body ?? '');
      return;
    }
    if ((req.url ?? '').endsWith('.png')) {
      // A 1x1 transparent PNG, so <img> loads succeed.
      res.writeHead(200, { 'Content-Type': 'image/png' });
      res.end(Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64'));
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('[]');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, listenHost, resolve);
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    origin: `http://${publicHost}:${bound}`,
    port: bound,
    requests,
    withAuthorization: () =>
      requests.filter(
        (r) =>
          r.authorization !== undefined ||
          (r.requestedHeaders ?? '')
            .toLowerCase()
            .split(/\s*,\s*/)
            .includes('authorization'),
      ),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Ports Chromium refuses to connect to (net/base/port_util.cc) in the range used below. */
const CHROMIUM_BLOCKED_PORTS = new Set([1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566]);

/**
 * A recording server on a port P <= 6553 plus one on P·10+1 (the "longer port" of A6:
 * `:40011` is not `:4001`). Tries random pairs until both bind.
 */
export async function startRecorderPair(listenHost: string): Promise<[RecordingServer, RecordingServer]> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const p = 1100 + Math.floor(Math.random() * (6553 - 1100));
    if (CHROMIUM_BLOCKED_PORTS.has(p)) continue;
    let a: RecordingServer | undefined;
    try {
      a = await startRecordingServer(listenHost, listenHost, p);
      const b = await startRecordingServer(listenHost, listenHost, p * 10 + 1);
      return [a, b];
    } catch {
      await a?.close();
    }
  }
  throw new Error('no free port pair P and P·10+1 found');
}
