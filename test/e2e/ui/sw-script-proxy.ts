/**
 * A forward HTTP proxy for one browser context that can make the app's `/sw.js` "a new version"
 * (same URL, different bytes) on demand. Playwright's `route()` does not see the browser's own
 * service-worker update checks, so a new deployment is played here, on the wire, where Chromium
 * fetches the script. Everything else passes through untouched.
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { closeServer, forwardHeaders, listenLocal, pipeAnswer, proxyTarget, readAll, tolerateAbort } from '../harness/forward-proxy.ts';

/**
 * Request headers dropped when the script is rewritten: the body must not arrive compressed (the
 * suffix is plain text), and a 304 would keep the old bytes.
 */
const FULL_PLAIN_SCRIPT = new Set(['accept-encoding', 'if-none-match', 'if-modified-since']);

export interface SwScriptProxy {
  /** For `browser.newContext({ proxy: { server } })` (Playwright proxies loopback then too). */
  readonly server: string;
  /** How many times the browser fetched the SW script through this proxy. */
  readonly swScriptFetches: number;
  /** From now on, `/sw.js` of `appOrigin` is answered with its real bytes plus this comment. */
  deployNewVersion(comment: string): void;
  close(): Promise<void>;
}

export async function startSwScriptProxy(appOrigin: string): Promise<SwScriptProxy> {
  let suffix: string | undefined;
  let swScriptFetches = 0;

  const forward = (req: IncomingMessage, res: ServerResponse): void => {
    tolerateAbort(req, res);
    const target = proxyTarget(req, res);
    if (!target) return;
    const isSwScript = target.origin === appOrigin && target.pathname === '/sw.js';
    if (isSwScript) swScriptFetches++;
    const rewrite = isSwScript && suffix !== undefined;
    const headers = forwardHeaders(req.headers, (k) => rewrite && FULL_PLAIN_SCRIPT.has(k));
    const upstream = httpRequest(target, { method: req.method, headers }, (up) => {
      const out = forwardHeaders(up.headers);
      if (!rewrite || up.statusCode !== 200) {
        res.writeHead(up.statusCode ?? 502, out);
        pipeAnswer(up, res);
        return;
      }
      readAll(up).then(
        (real) => {
          const body = Buffer.concat([real, Buffer.from(`\n${suffix}\n`)]);
          delete out['content-length'];
          delete out['etag'];
          delete out['last-modified'];
          res.writeHead(200, { ...out, 'content-length': String(body.length) });
          res.end(body);
        },
        () => res.destroy(), // the upstream broke off: so does the answer, as it would without us
      );
    });
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  };

  const server = createServer(forward);
  const port = await listenLocal(server);
  return {
    server: `http://localhost:${port}`,
    get swScriptFetches() {
      return swScriptFetches;
    },
    deployNewVersion(comment: string) {
      suffix = `// ${comment.replace(/[\r\n]/g, ' ')}`;
    },
    close: () => closeServer(server),
  };
}
