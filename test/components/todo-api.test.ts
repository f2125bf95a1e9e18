import { expect } from '@open-wc/testing';
import { createTodoApi, TodoApiError, type TodoApiErrorCode } from '../../src/app/todo-api.ts';

/** The client's mapping from HTTP answers to codes; the real API path is covered end to end. */
function apiAnswering(answer: () => Response | Promise<Response>, online = true) {
  const seen: { url: string; init: RequestInit | undefined }[] = [];
  const api = createTodoApi({
    base: () => Promise.resolve('http://localhost:4001'),
    isOnline: () => online,
    fetch: async (input, init) => {
      seen.push({ url: input instanceof Request ? input.url : String(input), init });
      return answer();
    },
  });
  return { api, seen };
}

async function codeOf(p: Promise<unknown>): Promise<TodoApiErrorCode> {
  try {
    await p;
  } catch (e) {
    if (e instanceof TodoApiError) return e.code;
    throw e;
  }
  throw new Error('expected a TodoApiError');
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
const todo = { id: 'a', title: 'Buy milk', completed: false, createdAt: 'x', updatedAt: 'x' };

describe('todo-api client', () => {
  it('lists todos from <base>/todos without an Authorization header (the SW adds it)', async () => {
    const { api, seen } = apiAnswering(() => json(200, [todo]));
    expect(await api.list()).to.deep.equal([todo]);
    expect(seen[0]!.url).to.equal('http://localhost:4001/todos');
    expect(new Headers(seen[0]!.init?.headers).has('authorization')).to.equal(false);
  });

  it('sends create as JSON {title}', async () => {
    const { api, seen } = apiAnswering(() => json(201, todo));
    await api.create('Buy milk');
    expect(seen[0]!.init?.method).to.equal('POST');
    expect(seen[0]!.init?.body).to.equal('{"title":"Buy milk"}');
  });

  it('encodes the id in update and delete URLs', async () => {
    const { api, seen } = apiAnswering(() => new Response(null, { status: 204 }));
    await api.remove('a/b');
    expect(seen[0]!.url).to.equal('http://localhost:4001/todos/a%2Fb');
  });

  const table: [number, TodoApiErrorCode][] = [
    [401, 'unauthorized'],
    [403, 'forbidden'],
    [404, 'not_found'],
    [400, 'invalid'],
    [409, 'invalid'],
    [500, 'server'],
    [503, 'server'],
  ];
  for (const [status, code] of table) {
    it(`maps HTTP ${status} to ${code}`, async () => {
      const { api } = apiAnswering(() => json(status, { error: 'x', error_description: 'y' }));
      expect(await codeOf(api.list())).to.equal(code);
    });
  }

  it('keeps the API error name (e.g. insufficient_scope)', async () => {
    const { api } = apiAnswering(() => json(403, { error: 'insufficient_scope' }));
    const err = await api.create('x').catch((e: unknown) => e);
    expect(err).to.be.instanceOf(TodoApiError).and.include({ code: 'forbidden', apiError: 'insufficient_scope', status: 403 });
  });

  it('a network failure while online is unreachable', async () => {
    const { api } = apiAnswering(() => Promise.reject(new TypeError('Failed to fetch')));
    expect(await codeOf(api.list())).to.equal('unreachable');
  });

  it('a network failure while offline is offline', async () => {
    const { api } = apiAnswering(() => Promise.reject(new TypeError('Failed to fetch')), false);
    expect(await codeOf(api.list())).to.equal('offline');
  });

  it('malformed JSON is bad_response, not a crash', async () => {
    const { api } = apiAnswering(() => new Response('[{"id": ', { status: 200 }));
    expect(await codeOf(api.list())).to.equal('bad_response');
  });

  it('a list of the wrong shape is bad_response', async () => {
    const { api } = apiAnswering(() => json(200, [{ id: 1, title: null }]));
    expect(await codeOf(api.list())).to.equal('bad_response');
  });

  it('an oversized body is bad_response', async () => {
    const { api } = apiAnswering(() => new Response('[]', { status: 200, headers: { 'Content-Length': '999999999' } }));
    expect(await codeOf(api.list())).to.equal('bad_response');
  });

  it('a base URL that cannot be loaded is config', async () => {
    const api = createTodoApi({ base: () => Promise.reject(new Error('404')), fetch: () => Promise.resolve(json(200, [])) });
    expect(await codeOf(api.list())).to.equal('config');
  });

  it('waits for ready() before calling fetch', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let fetched = 0;
    const api = createTodoApi({
      base: () => Promise.resolve('http://x'),
      ready: () => gate,
      fetch: () => {
        fetched++;
        return Promise.resolve(json(200, []));
      },
    });
    const pending = api.list();
    await Promise.resolve();
    expect(fetched).to.equal(0);
    release();
    await pending;
    expect(fetched).to.equal(1);
  });

  describe('versions, If-Match and Idempotency-Key (issue 9)', () => {
    const v = { ...todo, version: 3 };
    const headers = (seen: { init: RequestInit | undefined }[], i = 0) => new Headers(seen[i]!.init?.headers);

    it('sends Idempotency-Key and a quoted If-Match when asked', async () => {
      const { api, seen } = apiAnswering(() => json(200, v));
      await api.update('a', { completed: true }, { idempotencyKey: 'k-1', ifMatch: 3 });
      expect(headers(seen).get('idempotency-key')).to.equal('k-1');
      expect(headers(seen).get('if-match')).to.equal('"3"');
    });

    it('sends neither when not asked (an unconditional write)', async () => {
      const { api, seen } = apiAnswering(() => new Response(null, { status: 204 }));
      await api.remove('a');
      expect(headers(seen).has('idempotency-key')).to.equal(false);
      expect(headers(seen).has('if-match')).to.equal(false);
    });

    it('keeps the version of a todo', async () => {
      const { api } = apiAnswering(() => json(201, { ...v, version: 1 }));
      expect(await api.create('Buy milk', { idempotencyKey: 'k' })).to.include({ version: 1 });
    });

    it('a version that is not a positive integer is bad_response', async () => {
      for (const version of [0, 1.5, '2', -1]) {
        const { api } = apiAnswering(() => json(200, [{ ...todo, version }]));
        expect(await codeOf(api.list())).to.equal('bad_response');
      }
    });

    it('412 is conflict, carrying the todo as it is now', async () => {
      const current = { ...todo, title: 'Oat milk', version: 4 };
      const { api } = apiAnswering(() => json(412, { error: 'precondition_failed', error_description: 'stale', current }));
      const err = await api.update('a', { title: 'Soy milk' }, { ifMatch: 3 }).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(TodoApiError).and.include({ code: 'conflict', status: 412 });
      expect((err as TodoApiError).current).to.deep.equal(current);
    });

    it('412 without the current todo is bad_response (nothing to show the user)', async () => {
      const { api } = apiAnswering(() => json(412, { error: 'precondition_failed' }));
      expect(await codeOf(api.remove('a', { ifMatch: 3 }))).to.equal('bad_response');
    });

    it('422 idempotency_key_reused is invalid, with the API’s name for it', async () => {
      const { api } = apiAnswering(() => json(422, { error: 'idempotency_key_reused' }));
      const err = await api.create('x', { idempotencyKey: 'k' }).catch((e: unknown) => e);
      expect(err).to.include({ code: 'invalid', apiError: 'idempotency_key_reused' });
    });

    it('a request aborted by its timeout is unreachable (the answer may be lost: retried)', async () => {
      const api = createTodoApi({
        base: () => Promise.resolve('http://x'),
        isOnline: () => true,
        fetch: (_i, init) => new Promise((_, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason as DOMException))),
      });
      expect(await codeOf(api.create('x', { signal: AbortSignal.timeout(10) }))).to.equal('unreachable');
    });
  });
});
