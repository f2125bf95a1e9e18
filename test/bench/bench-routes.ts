/**
 * Files the bench serves at the app origin beside the build: a quiet page for timing loops, and
 * whatever a phase adds once it knows its content (the floor SW needs a token, AxaFrance's client
 * needs the stack's origins). One origin for all of them: the Todo API's CORS allows exactly
 * one app origin, and the IdP one redirect URI.
 */
import type { Plugin } from 'vite';

export interface BenchFile {
  readonly body: string | Uint8Array;
  readonly contentType: string;
  /** Replace or add headers (the app's security headers are already set by appPlugin). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Remove these headers that appPlugin set (e.g. a CSP the peer under test cannot run with). */
  readonly dropHeaders?: readonly string[];
}

/**
 * A route answers when `match` says so; `match` sees the path and the Cookie header, so a
 * profile that carries a marker cookie can be given its own page at a shared path (/callback).
 */
export interface BenchRoute {
  readonly match: (path: string, cookie: string) => boolean;
  readonly file: BenchFile;
}

/**
 * A page with no script of its own: timing loops run here so that an app's rendering and timers
 * do not share the event loop with the fetches we time. Under every SW's scope, so in a profile
 * with a SW registered it is controlled; in a fresh profile it is not.
 */
export const BENCH_PAGE_PATH = '/__bench/blank.html';
const BLANK = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>bench</title></head><body></body></html>';

/**
 * Cross-origin isolated (COOP is already same-origin), so `performance.now()` in the timing loops
 * has 5 us resolution instead of 100 us: the API-call rows compare medians a few tenths of a
 * millisecond apart. The API's answers are CORS, which isolation allows.
 */
const BLANK_FILE: BenchFile = { body: BLANK, contentType: 'text/html; charset=utf-8', headers: { 'Cross-Origin-Embedder-Policy': 'require-corp' } };

export class BenchRoutes {
  readonly #routes: BenchRoute[] = [{ match: (p) => p === BENCH_PAGE_PATH, file: BLANK_FILE }];

  /** Later routes win over earlier ones. */
  add(route: BenchRoute): void {
    this.#routes.unshift(route);
  }

  /** Serves a file at exactly `path`. */
  serve(path: string, file: BenchFile): void {
    this.add({ match: (p) => p === path, file });
  }

  plugin(): Plugin {
    return {
      name: 'bench-routes',
      configurePreviewServer: (server) => {
        server.middlewares.use((req, res, next) => {
          const path = (req.url ?? '').split('?')[0] ?? '';
          const cookie = req.headers.cookie ?? '';
          const route = this.#routes.find((r) => r.match(path, cookie));
          if (!route) return next();
          const f = route.file;
          for (const h of f.dropHeaders ?? []) res.removeHeader(h);
          res.setHeader('Content-Type', f.contentType);
          res.setHeader('Cache-Control', 'no-store');
          for (const [k, v] of Object.entries(f.headers ?? {})) res.setHeader(k, v);
          res.end(f.body);
        });
      },
    };
  }
}
