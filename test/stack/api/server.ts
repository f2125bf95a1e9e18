import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readBody } from './body.ts';
import { extractBearer } from './bearer.ts';
import { answerPreflight, applyCors } from './cors.ts';
import { Discovery } from './discovery.ts';
import { ApiError, sendError, sendJson } from './errors.ts';
import { IntrospectionCache } from './introspection-cache.ts';
import { IntrospectionValidator, type IntrospectionClient } from './introspect.ts';
import type { TokenValidator } from './principal.ts';
import { matchRoute, todoRoutes, type RouteResult } from './routes.ts';
import { openFileTodoStore } from './todo-file.ts';
import { QueuedTodoStore, type TodoStore } from './todo-store.ts';
import { JwtValidator } from './validate-jwt.ts';

export interface ApiOptions {
  /** Listen on localhost:port; the origin `http://localhost:port` is also the audience. */
  port: number;
  /** The IdP's issuer; its metadata is discovered lazily (the API may start first). */
  issuer: string;
  /** The only CORS origin allowed. */
  appOrigin: string;
  /** env TOKEN_VALIDATION; default `jwt`. */
  validation?: 'jwt' | 'introspection';
  /** Default `todo-api` / env API_CLIENT_SECRET ?? `todo-api-secret`. */
  introspectionClient?: IntrospectionClient;
  /** env TODO_DATA_FILE: persist todos there (atomic writes); absent = memory only. */
  dataFile?: string;
  /** Leeway for `exp`, `nbf`, `iat`; default 5. */
  clockToleranceSec?: number;
  /** Upper bound on reusing a positive introspection answer (B8); default 30. */
  introspectionCacheMaxAgeSec?: number;
  /** Default 1000. */
  maxTodosPerUser?: number;
}

export interface RunningApi {
  origin: string;
  port: number;
  close(): Promise<void>;
}

export const DEFAULT_INTROSPECTION_CLIENT_ID = 'todo-api';
export const DEFAULT_INTROSPECTION_CLIENT_SECRET = 'todo-api-secret';
const DEFAULT_CLOCK_TOLERANCE_SEC = 5;

export function apiOptionsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): Pick<ApiOptions, 'validation' | 'dataFile' | 'introspectionClient'> {
  const mode = env.TOKEN_VALIDATION ?? 'jwt';
  if (mode !== 'jwt' && mode !== 'introspection') {
    throw new Error(`TOKEN_VALIDATION must be "jwt" or "introspection", got "${mode}"`);
  }
  return {
    validation: mode,
    introspectionClient: defaultIntrospectionClient(env),
    ...(env.TODO_DATA_FILE !== undefined && env.TODO_DATA_FILE !== '' ? { dataFile: env.TODO_DATA_FILE } : {}),
  };
}

function defaultIntrospectionClient(env: NodeJS.ProcessEnv): IntrospectionClient {
  return {
    clientId: DEFAULT_INTROSPECTION_CLIENT_ID,
    clientSecret: env.API_CLIENT_SECRET ?? DEFAULT_INTROSPECTION_CLIENT_SECRET,
  };
}

export async function startApi(opts: ApiOptions): Promise<RunningApi> {
  const origin = `http://localhost:${opts.port}`;
  const store: TodoStore =
    opts.dataFile !== undefined
      ? await openFileTodoStore(opts.dataFile, maxTodos(opts))
      : new QueuedTodoStore(maxTodos(opts));
  const validator = makeValidator(opts, origin);
  const routes = todoRoutes(store);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    applyCors(req, res, opts.appOrigin);
    if (req.method === 'OPTIONS') return answerPreflight(req, res, opts.appOrigin);
    // Parse against our own origin by concatenation: `//evil.example/todos` must stay a path here.
    const target = req.url ?? '';
    if (!target.startsWith('/')) throw new ApiError('invalid_request', 'the request target must be a path');
    const url = new URL(`${origin}${target}`);
    const { endpoint, params } = matchRoute(routes, req.method ?? 'GET', url.pathname);
    if (endpoint.scope === null) return send(res, await endpoint.handle());

    const rawBody = await readBody(req);
    const token = extractBearer(req, url, rawBody);
    const principal = await validator.validate(token);
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
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      // Unexpected failures are logged by name and message only (never request data or tokens).
      if (!(err instanceof ApiError)) {
        const e = err instanceof Error ? err : new Error(String(err));
        console.error(`Todo API: internal error: ${e.name}: ${e.message}`);
      }
      sendError(res, err);
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
      client: opts.introspectionClient ?? defaultIntrospectionClient(process.env),
      cache: new IntrospectionCache(
        opts.introspectionCacheMaxAgeSec !== undefined ? { maxAgeSec: opts.introspectionCacheMaxAgeSec } : {},
      ),
    });
  }
  return new JwtValidator({
    issuer: opts.issuer,
    audience,
    clockToleranceSec: opts.clockToleranceSec ?? DEFAULT_CLOCK_TOLERANCE_SEC,
    discovery,
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
