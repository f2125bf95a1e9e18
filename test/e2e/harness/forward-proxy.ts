/**
 * What every forward proxy of the test harness does the same way: the request target in absolute
 * form, which headers never cross a proxy, reading a body whole, listening on loopback and closing
 * with its keep-alive connections (Chromium holds them open).
 */
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Hop-by-hop headers (RFC 9110 §7.6.1) plus the proxy's own: never forwarded. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** `h` without hop-by-hop headers, and without any `drop` also names. */
export function forwardHeaders(h: IncomingHttpHeaders, drop: (name: string) => boolean = () => false): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(h)) {
    const name = k.toLowerCase();
    if (v === undefined || HOP_BY_HOP.has(name) || drop(name)) continue;
    out[k] = v;
  }
  return out;
}

/** The absolute-form URL a browser sends a forward proxy; answers 400 itself when there is none. */
export function proxyTarget(req: IncomingMessage, res: ServerResponse): URL | null {
  try {
    return new URL(req.url ?? '');
  } catch {
    res.writeHead(400).end('forward proxy: absolute-form request URL expected');
    return null;
  }
}

export function readAll(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

/** Listens on a free loopback port; returns it. */
export async function listenLocal(server: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, 'localhost', () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

export function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

/**
 * A browser context closed mid-request resets its connection, and `req`, `res` and an upstream
 * answer being piped emit ECONNRESET. Nobody is left to answer; unheard, the error would be an
 * uncaught exception that fails whichever test file is running.
 */
export function tolerateAbort(req: IncomingMessage, res: ServerResponse): void {
  req.on('error', () => res.destroy());
  res.on('error', () => req.destroy());
}

/** Streams an upstream answer to the browser; an upstream that breaks off ends it too. */
export function pipeAnswer(up: IncomingMessage, res: ServerResponse): void {
  up.on('error', () => res.destroy());
  up.pipe(res);
}
