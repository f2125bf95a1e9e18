/**
 * Fetch client for the Todo API (issue 2 contract). It never sets `Authorization`: the service
 * worker adds the bearer header to requests on its allow-list (STANDARDS A5, A6), so the page
 * never sees a token. Every failure becomes a `TodoApiError` with a stable `code`.
 */
import { isTodo, type Todo, type TodoPatch } from './todo-wire.ts';

export type { Todo, TodoPatch } from './todo-wire.ts';

/** How a write is sent: the outbox gives every change one key for all its retries. */
export interface WriteOptions {
  /** `Idempotency-Key`: a replay with the same key returns the first result instead of applying it again. */
  readonly idempotencyKey?: string;
  /** `If-Match` with this version: a todo changed since then answers 412 (`conflict`). Omitted: unconditional. */
  readonly ifMatch?: number;
  /** Aborts the request (a timeout): the failure is then `unreachable`, as for any lost answer. */
  readonly signal?: AbortSignal;
}

/** What components and controllers depend on; tests implement it with small fakes. */
export interface TodoApi {
  list(): Promise<Todo[]>;
  create(title: string, opts?: WriteOptions): Promise<Todo>;
  update(id: string, patch: TodoPatch, opts?: WriteOptions): Promise<Todo>;
  remove(id: string, opts?: WriteOptions): Promise<void>;
}

export type TodoApiErrorCode =
  | 'unauthorized' // 401 reached the page: the SW already tried refresh + replay, the session is gone
  | 'forbidden' // 403 (insufficient_scope): the token lacks todos:write, the app turns read-only
  | 'not_found' // 404: the todo is gone (deleted in another tab)
  | 'conflict' // 412: changed elsewhere since the `If-Match` version; `current` holds it now
  | 'invalid' // 400/409/413/415: the API refused the input
  | 'server' // 5xx or any other unexpected status
  | 'reconnecting' // the SW answered for the API: no usable token until the IdP or network is back (retry)
  | 'unreachable' // the request failed at the network level while the browser says it is online
  | 'offline' // the request failed and navigator.onLine is false
  | 'bad_response' // the body is not the JSON the contract promises (malformed, wrong shape, too big)
  | 'config'; // /config.json could not be loaded or names no API

export class TodoApiError extends Error {
  readonly code: TodoApiErrorCode;
  readonly status: number | undefined;
  /** The API's own `error` field (e.g. `todo_limit_reached`), when it sent one. */
  readonly apiError: string | undefined;
  /** With `conflict`: the todo as it is now on the server. */
  readonly current: Todo | undefined;

  constructor(
    code: TodoApiErrorCode,
    message: string,
    opts: { status?: number; apiError?: string | undefined; current?: Todo; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'TodoApiError';
    this.code = code;
    this.status = opts.status;
    this.apiError = opts.apiError;
    this.current = opts.current;
  }
}

export function errorCode(e: unknown): TodoApiErrorCode {
  return e instanceof TodoApiError ? e.code : 'server';
}

/** A list of 10 000 todos of 500 characters stays below this; anything bigger is not our API. */
export const MAX_BODY_CHARS = 8_000_000;

export interface TodoApiOptions {
  /** Resolves the API base URL (no trailing slash), e.g. from /config.json. */
  readonly base: () => Promise<string>;
  /** Resolves when the page may call the API (controlled by the SW, recovery settled). */
  readonly ready?: () => Promise<void>;
  readonly fetch?: typeof fetch;
  readonly isOnline?: () => boolean;
}

function statusCode(status: number): TodoApiErrorCode {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 412) return 'conflict';
  if (status >= 400 && status < 500) return 'invalid';
  return 'server';
}

async function readJson(res: Response): Promise<unknown> {
  const status = res.status;
  const tooLarge = () => new TodoApiError('bad_response', 'response too large', { status });
  if (Number(res.headers.get('content-length')) > MAX_BODY_CHARS) throw tooLarge();
  let text: string;
  try {
    text = await res.text();
  } catch (cause) {
    throw new TodoApiError('unreachable', 'response body interrupted', { status, cause });
  }
  if (text.length > MAX_BODY_CHARS) throw tooLarge();
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new TodoApiError('bad_response', 'response is not JSON', { status, cause });
  }
}

/** Reads the body and checks it with `valid`, or fails as `bad_response`. */
async function expectJson<T>(res: Response, valid: (j: unknown) => boolean): Promise<T> {
  const j = await readJson(res);
  if (!valid(j)) throw new TodoApiError('bad_response', 'unexpected body', { status: res.status });
  return j as T;
}

export function createTodoApi(opts: TodoApiOptions): TodoApi {
  const doFetch = opts.fetch ?? ((input, init) => fetch(input, init));
  const online = opts.isOnline ?? (() => navigator.onLine);

  async function call(method: string, path: string, body?: unknown, w: WriteOptions = {}): Promise<Response> {
    let base: string;
    try {
      await opts.ready?.();
      base = await opts.base();
    } catch (cause) {
      throw cause instanceof TodoApiError ? cause : new TodoApiError('config', 'API not configured', { cause });
    }
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (w.idempotencyKey !== undefined) headers['Idempotency-Key'] = w.idempotencyKey;
    if (w.ifMatch !== undefined) headers['If-Match'] = `"${w.ifMatch}"`;
    let res: Response;
    try {
      res = await doFetch(base + path, {
        method,
        headers,
        credentials: 'omit',
        cache: 'no-store',
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        ...(w.signal ? { signal: w.signal } : {}),
      });
    } catch (cause) {
      throw new TodoApiError(online() ? 'unreachable' : 'offline', 'network request failed', { cause });
    }
    if (!res.ok) {
      // The status already says what happened; an unreadable error body adds nothing.
      const j = (await readJson(res).catch(() => null)) as { error?: unknown; code?: unknown; current?: unknown } | null;
      const apiError = typeof j?.error === 'string' ? j.error : undefined;
      // The SW's own answer (sw/protocol.ts SwFetchError), not the API's.
      const reconnecting = res.status === 503 && j?.code === 'session_reconnecting';
      const code = reconnecting ? 'reconnecting' : statusCode(res.status);
      const current = isTodo(j?.current) ? j.current : undefined;
      // A conflict is only useful with the other version to show; without it, it is a garbled answer.
      if (code === 'conflict' && !current) throw new TodoApiError('bad_response', '412 without the current todo', { status: res.status, apiError });
      throw new TodoApiError(code, `HTTP ${res.status}`, { status: res.status, apiError, ...(current ? { current } : {}) });
    }
    return res;
  }

  const path = (id: string) => `/todos/${encodeURIComponent(id)}`;

  return {
    list: async () => expectJson(await call('GET', '/todos'), (j) => Array.isArray(j) && j.every((t) => isTodo(t))),
    create: async (title, w) => expectJson(await call('POST', '/todos', { title }, w), (j) => isTodo(j)),
    update: async (id, patch, w) => expectJson(await call('PATCH', path(id), patch, w), (j) => isTodo(j)),
    remove: async (id, w) => {
      await call('DELETE', path(id), undefined, w);
    },
  };
}
