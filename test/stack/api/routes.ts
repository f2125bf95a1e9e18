import { parseJsonObject } from './body.ts';
import { ApiError } from './errors.ts';
import type { Principal } from './principal.ts';
import { parseNewTodo, parseTodoPatch } from './todo-input.ts';
import type { TodoStore } from './todo-store.ts';

export type Scope = 'todos:read' | 'todos:write';
export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface RouteRequest {
  readonly principal: Principal;
  readonly params: Readonly<Record<string, string>>;
  readonly contentType: string | undefined;
  readonly rawBody: Buffer;
}

export interface RouteResult {
  readonly status: number;
  readonly body?: unknown;
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
      methods: { GET: { scope: null, handle: async () => ({ status: 200, body: { status: 'ok' } }) } },
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
          handle: async ({ principal, contentType, rawBody }) => {
            const { title } = parseNewTodo(parseJsonObject(contentType, rawBody));
            return { status: 201, body: await store.create(principal.sub, title) };
          },
        },
      },
    },
    {
      pattern: /^\/todos\/(?<id>[^/]+)$/,
      methods: {
        PATCH: {
          scope: 'todos:write',
          handle: async ({ principal, params, contentType, rawBody }) => {
            const patch = parseTodoPatch(parseJsonObject(contentType, rawBody));
            return { status: 200, body: await store.update(principal.sub, param(params, 'id'), patch) };
          },
        },
        DELETE: {
          scope: 'todos:write',
          handle: async ({ principal, params }) => {
            await store.remove(principal.sub, param(params, 'id'));
            return { status: 204 };
          },
        },
      },
    },
  ];
}

/** @throws ApiError `not_found` | `method_not_allowed` (with `Allow`) */
export function matchRoute(
  routes: readonly Route[],
  method: string,
  pathname: string,
): { endpoint: Endpoint; params: Record<string, string> } {
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

function param(params: Readonly<Record<string, string>>, name: string): string {
  const value = params[name];
  if (value === undefined) throw new ApiError('not_found', 'no such resource');
  return value;
}
