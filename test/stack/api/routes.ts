import type { IncomingMessage } from 'node:http';
import { parseJsonObject } from './body.ts';
import { ApiError } from './errors.ts';
import { parseIdempotencyKey, requestFingerprint } from './idempotency.ts';
import { etagFor, parseIfMatch } from './preconditions.ts';
import type { Principal } from './principal.ts';
import { parseNewTodo, parseTodoPatch } from './todo-input.ts';
import type { Todo, TodoStore, WriteOptions } from './todo-store.ts';

export type Scope = 'todos:read' | 'todos:write';
export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface RouteRequest extends Pick<IncomingMessage, 'headersDistinct'> {
  readonly principal: Principal;
  readonly params: Readonly<Record<string, string>>;
  readonly method: string;
  /** The URL path (no query): part of the idempotency fingerprint. */
  readonly path: string;
  readonly contentType: string | undefined;
  readonly rawBody: Buffer;
}

export interface RouteResult {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** `scope: null` marks a public route (no token needed). */
export type Endpoint =
  | { readonly scope: null; readonly handle: () => Promise<RouteResult> }
  | { readonly scope: Scope; readonly handle: (req: RouteRequest) => Promise<RouteResult> };

interface Route {
  readonly pattern: RegExp;
  readonly methods: Partial<Record<Method, Endpoint>>;
}

/** Route table of the Todo API contract (issue 2). B5: every protected endpoint names its scope. */
export function todoRoutes(store: TodoStore): Route[] {
  return [
    {
      pattern: /^\/health$/,
      methods: { GET: { scope: null, handle: () => Promise.resolve({ status: 200, body: { status: 'ok' } }) } },
    },
    {
      pattern: /^\/todos$/,
      methods: {
        GET: {
          scope: 'todos:read',
          handle: async ({ principal }) => ({ status: 200, body: await store.list(principal.sub) }),
        },
        POST: {
          scope: 'todos:write',
          handle: async (req) => {
            const opts = { idempotency: idempotencyClaim(req) };
            const { title } = parseNewTodo(parseJsonObject(req.contentType, req.rawBody));
            return oneTodo(201, await store.create(req.principal.sub, title, opts));
          },
        },
      },
    },
    {
      pattern: /^\/todos\/(?<id>[^/]+)$/,
      methods: {
        PATCH: {
          scope: 'todos:write',
          handle: async (req) => {
            const opts = conditionalWrite(req);
            const patch = parseTodoPatch(parseJsonObject(req.contentType, req.rawBody));
            return oneTodo(200, await store.update(req.principal.sub, param(req.params, 'id'), patch, opts));
          },
        },
        DELETE: {
          scope: 'todos:write',
          handle: async (req) => {
            await store.remove(req.principal.sub, param(req.params, 'id'), conditionalWrite(req));
            return { status: 204 };
          },
        },
      },
    },
  ];
}

/** @throws ApiError `not_found` | `method_not_allowed` (with `Allow`) */
export function matchRoute(routes: readonly Route[], method: string, pathname: string): { endpoint: Endpoint; params: Record<string, string> } {
  for (const route of routes) {
    const m = route.pattern.exec(pathname);
    if (m === null) continue;
    const endpoint = route.methods[method as Method];
    if (endpoint === undefined || !Object.hasOwn(route.methods, method)) {
      throw new ApiError('method_not_allowed', `${method} is not allowed here`, {
        headers: { Allow: Object.keys(route.methods).join(', ') },
      });
    }
    return { endpoint, params: { ...m.groups } };
  }
  throw new ApiError('not_found', 'no such resource');
}

/** A response that carries one todo names its version (RFC 9110 §8.8.3). */
function oneTodo(status: number, todo: Todo): RouteResult {
  return { status, body: todo, headers: { ETag: etagFor(todo.version) } };
}

/** @throws ApiError `invalid_request` for a malformed Idempotency-Key */
function idempotencyClaim(req: RouteRequest): WriteOptions['idempotency'] {
  const key = parseIdempotencyKey(req);
  return key === undefined ? undefined : { key, fingerprint: requestFingerprint(req.method, req.path, req.rawBody) };
}

/** @throws ApiError `invalid_request` for a malformed Idempotency-Key or If-Match */
function conditionalWrite(req: RouteRequest): WriteOptions {
  return { idempotency: idempotencyClaim(req), ifMatch: parseIfMatch(req) };
}

function param(params: Readonly<Record<string, string>>, name: string): string {
  const value = params[name];
  if (value === undefined) throw new ApiError('not_found', 'no such resource');
  return value;
}
