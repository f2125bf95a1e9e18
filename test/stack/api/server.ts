import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readBody } from './body.ts';
import { extractAccessToken } from './credentials.ts';
import { DpopBinding } from './dpop-binding.ts';
import { answerPreflight, applyCors } from './cors.ts';
import { Discovery } from './discovery.ts';
import { ApiError, sendError, sendJson, type AuthScheme } from './errors.ts';
import { IntrospectionCache } from './introspection-cache.ts';
import { IntrospectionValidator } from './introspect.ts';
import { DEFAULT_CLOCK_TOLERANCE_SEC, introspectionClientFromEnv, type ApiOptions } from './options.ts';
import type { TokenValidator } from './principal.ts';
import { matchRoute, todoRoutes, type RouteResult } from './routes.ts';
import { openFileTodoStore } from './todo-file.ts';
import { QueuedTodoStore, type TodoStore } from './todo-store.ts';
import { JwtValidator } from './validate-jwt.ts';

export {
  ApiConfigError,
  apiOptionsFromEnv,
  DEFAULT_INTROSPECTION_CLIENT_ID,
  DEFAULT_INTROSPECTION_CLIENT_SECRET,
  type ApiOptions,
} from './options.ts';

export interface RunningApi {
  origin: string;
  port: number;
  close(): Promise<void>;
}

export async function startApi(opts: ApiOptions): Promise<RunningApi> {
  const origin = `http://localhost:${opts.port}`;
  const store: TodoStore = opts.dataFile !== undefined ? await openFileTodoStore(opts.dataFile, maxTodos(opts)) : new QueuedTodoStore(maxTodos(opts));
  const validator = opts.validator ?? makeValidator(opts, opts.audience ?? origin);
  const routes = todoRoutes(store);

  const dpop = new DpopBinding({ origin, clockToleranceSec: opts.clockToleranceSec ?? DEFAULT_CLOCK_TOLERANCE_SEC });

  /** `scheme` is set once the credentials are known, so that errors are challenged in it (RFC 9449 §7.1). */
  const handle = async (req: IncomingMessage, res: ServerResponse, seen: { scheme?: AuthScheme }): Promise<void> => {
    applyCors(req, res, opts.appOrigin);
    if (req.method === 'OPTIONS') {
      answerPreflight(req, res, opts.appOrigin);
      return;
    }
    // Parse against our own origin by concatenation: `//evil.example/todos` must stay a path here.
    const target = req.url ?? '';
    if (!target.startsWith('/')) throw new ApiError('invalid_request', 'the request target must be a path');
    const url = new URL(`${origin}${target}`);
    const { endpoint, params } = matchRoute(routes, req.method ?? 'GET', url.pathname);
    if (endpoint.scope === null) {
      send(res, await endpoint.handle());
      return;
    }

    const rawBody = await readBody(req);
    const presented = extractAccessToken(req, url, rawBody);
    seen.scheme = presented.scheme;
    const principal = await validator.validate(presented.token);
    for (const [name, value] of Object.entries(await dpop.enforce(presented, principal, req, url.pathname))) {
      res.setHeader(name, value);
    }
    if (!principal.scopes.has(endpoint.scope)) {
      throw new ApiError('insufficient_scope', `this request needs the "${endpoint.scope}" scope`, {
        scope: endpoint.scope,
      });
    }
    send(
      res,
      await endpoint.handle({
        principal,
        params,
        method: req.method ?? 'GET',
        path: url.pathname,
        headersDistinct: req.headersDistinct,
        contentType: req.headers['content-type'],
        rawBody,
      }),
    );
  };

  const server = createServer((req, res) => {
    const seen: { scheme?: AuthScheme } = {};
    handle(req, res, seen).catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      // Unexpected failures are logged by name and message only (never request data or tokens).
      if (!(err instanceof ApiError)) {
        const e = err instanceof Error ? err : new Error(String(err));
        console.error(`Todo API: internal error: ${e.name}: ${e.message}`);
      }
      sendError(res, err, seen.scheme);
    });
  });
  // Requests are tiny; a slow client should not hold a connection open for long.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, 'localhost', () => {
      server.off('error', reject);
      resolve();
    });
  }).catch(async (err: unknown) => {
    await store.close();
    throw err;
  });

  return {
    origin,
    port: opts.port,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await store.close();
      server.closeAllConnections();
      await closed;
    },
  };
}

function makeValidator(opts: ApiOptions, audience: string): TokenValidator {
  const discovery = new Discovery(opts.issuer);
  if ((opts.validation ?? 'jwt') === 'introspection') {
    return new IntrospectionValidator({
      audience,
      issuer: opts.issuer,
      discovery,
      client: opts.introspectionClient ?? introspectionClientFromEnv(process.env),
      cache: new IntrospectionCache(opts.introspectionCacheMaxAgeSec !== undefined ? { maxAgeSec: opts.introspectionCacheMaxAgeSec } : {}),
    });
  }
  return new JwtValidator({
    issuer: opts.issuer,
    audience,
    clockToleranceSec: opts.clockToleranceSec ?? DEFAULT_CLOCK_TOLERANCE_SEC,
    discovery,
    ...(opts.verifiedTokenCacheSize !== undefined ? { cacheSize: opts.verifiedTokenCacheSize } : {}),
  });
}

function maxTodos(opts: ApiOptions): { maxTodosPerUser?: number } {
  return opts.maxTodosPerUser !== undefined ? { maxTodosPerUser: opts.maxTodosPerUser } : {};
}

function send(res: ServerResponse, result: RouteResult): void {
  if (result.body === undefined) {
    res.writeHead(result.status, { ...result.headers, 'Cache-Control': 'no-store' });
    res.end();
    return;
  }
  sendJson(res, result.status, result.body, { ...result.headers });
}
