/**
 * B6 (RFC 6750 error responses, CORS) and B9 (per-user data, input validation) over real HTTP,
 * with tokens from a local test issuer.
 */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../free-port.ts';
import { startApi, type RunningApi } from './server.ts';
import { bearer, JSON_HEADERS, mint, parseChallenge, startTestIssuer, type TestIssuer } from './test-helpers.ts';

const APP_ORIGIN = 'http://localhost:5173';
let iss: TestIssuer;
let api: RunningApi;
let alice: string;
let bob: string;

before(async () => {
  iss = await startTestIssuer();
  api = await startApi({ port: await freePort(), issuer: iss.issuer, appOrigin: APP_ORIGIN });
  alice = await mint(iss, api.origin, { claims: { sub: 'alice-sub' } });
  bob = await mint(iss, api.origin, { claims: { sub: 'bob-sub' } });
});
after(async () => {
  await api?.close();
  await iss?.close();
});

interface ErrorBody {
  error: string;
  error_description: string;
}

async function errorBody(res: Response): Promise<ErrorBody> {
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  const text = await res.text();
  assert.doesNotMatch(text, /\n\s+at /, 'a stack trace leaked');
  const body = JSON.parse(text) as ErrorBody;
  assert.equal(typeof body.error, 'string');
  assert.equal(typeof body.error_description, 'string');
  return body;
}

/** Sends a raw request (fetch cannot send two Authorization headers or stream a chunked body). */
function raw(
  method: string,
  path: string,
  headers: Record<string, string | string[]>,
  body?: string[],
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${api.origin}${path}`, { method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    for (const chunk of body ?? []) req.write(chunk);
    req.end();
  });
}

async function post(token: string, body: unknown, headers: Record<string, string> = JSON_HEADERS): Promise<Response> {
  return fetch(`${api.origin}/todos`, {
    method: 'POST',
    headers: { ...bearer(token), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('B6: RFC 6750 error responses', () => {
  it('B6: no credentials → 401 with `WWW-Authenticate: Bearer realm="todos"` and no error', async () => {
    const res = await fetch(`${api.origin}/todos`);
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="todos"');
    assert.equal((await errorBody(res)).error, 'missing_credentials');
  });

  it('B6: another scheme only (Basic) counts as no Bearer credentials → 401 without error', async () => {
    const res = await fetch(`${api.origin}/todos`, { headers: { Authorization: 'Basic YWxpY2U6cHc=' } });
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="todos"');
  });

  const cases: Array<{ name: string; headers: () => Record<string, string>; status: number; error: string }> = [
    { name: 'garbage token', headers: () => bearer('not-a-jwt'), status: 401, error: 'invalid_token' },
    { name: 'lower-case scheme with a valid token works', headers: () => ({ Authorization: `bearer ${alice}` }), status: 200, error: '' },
    { name: '"Bearer" without a token', headers: () => ({ Authorization: 'Bearer' }), status: 400, error: 'invalid_request' },
    { name: '"Bearer " with blank token', headers: () => ({ Authorization: 'Bearer    ' }), status: 400, error: 'invalid_request' },
    { name: 'two tokens in one header', headers: () => ({ Authorization: `Bearer ${alice} ${bob}` }), status: 400, error: 'invalid_request' },
    { name: 'token with characters outside b64token', headers: () => ({ Authorization: 'Bearer a"b' }), status: 400, error: 'invalid_request' },
  ];

  for (const c of cases) {
    it(`B6: ${c.name} → ${c.status}${c.error ? ` ${c.error}` : ''}`, async () => {
      const res = await fetch(`${api.origin}/todos`, { headers: c.headers() });
      assert.equal(res.status, c.status);
      if (c.status === 200) return;
      assert.equal(parseChallenge(res.headers.get('www-authenticate'))?.params.error, c.error);
      assert.equal((await errorBody(res)).error, c.error);
    });
  }

  it('B6: token in the query string only → 400 invalid_request', async () => {
    const res = await fetch(`${api.origin}/todos?access_token=${alice}`);
    assert.equal(res.status, 400);
    assert.equal(parseChallenge(res.headers.get('www-authenticate'))?.params.error, 'invalid_request');
    assert.equal((await errorBody(res)).error, 'invalid_request');
  });

  it('B6: token sent two ways (header + query) → 400 invalid_request', async () => {
    const res = await fetch(`${api.origin}/todos?access_token=${alice}`, { headers: bearer(alice) });
    assert.equal(res.status, 400);
    assert.equal((await errorBody(res)).error, 'invalid_request');
  });

  it('B6: token sent two ways (header + form body access_token) → 400 invalid_request', async () => {
    const res = await post(alice, `access_token=${alice}`, { 'Content-Type': 'application/x-www-form-urlencoded' });
    assert.equal(res.status, 400);
    assert.equal((await errorBody(res)).error, 'invalid_request');
  });

  it('B6: token in a form body only → 400 invalid_request', async () => {
    const res = await fetch(`${api.origin}/todos`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `access_token=${alice}`,
    });
    assert.equal(res.status, 400);
    assert.equal((await errorBody(res)).error, 'invalid_request');
  });

  it('B6: two Authorization headers → 400 invalid_request', async () => {
    const res = await raw('GET', '/todos', { Authorization: [`Bearer ${alice}`, `Bearer ${bob}`] });
    assert.equal(res.status, 400);
    assert.equal((JSON.parse(res.text) as ErrorBody).error, 'invalid_request');
  });

  it('B6: unknown route → 404 JSON not_found; wrong method → 405 method_not_allowed with Allow', async () => {
    const nf = await fetch(`${api.origin}/nope`, { headers: bearer(alice) });
    assert.equal(nf.status, 404);
    assert.equal((await errorBody(nf)).error, 'not_found');
    const na = await fetch(`${api.origin}/todos`, { method: 'PUT', headers: bearer(alice) });
    assert.equal(na.status, 405);
    assert.equal(na.headers.get('allow'), 'GET, POST');
    assert.equal((await errorBody(na)).error, 'method_not_allowed');
  });

  it('B6: a scheme-relative target (//host/todos) is a path here, not another host → 404', async () => {
    const res = await raw('GET', '//localhost:1/todos', bearer(alice));
    assert.equal(res.status, 404);
    assert.equal((JSON.parse(res.text) as ErrorBody).error, 'not_found');
  });

  it('B6: GET /health needs no token → 200 {status:"ok"}', async () => {
    const res = await fetch(`${api.origin}/health`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'ok' });
  });
});

describe('B6: CORS', () => {
  const preflight = (origin: string): Promise<Response> =>
    fetch(`${api.origin}/todos`, {
      method: 'OPTIONS',
      headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization, content-type, dpop' },
    });

  it('B6: preflight from the app origin: exact origin, methods, Authorization + DPoP + write headers, Max-Age', async () => {
    const res = await preflight(APP_ORIGIN);
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('access-control-allow-origin'), APP_ORIGIN);
    assert.equal(res.headers.get('access-control-allow-methods'), 'GET, POST, PATCH, DELETE');
    assert.equal(res.headers.get('access-control-allow-headers'), 'Authorization, Content-Type, DPoP, Idempotency-Key, If-Match');
    assert.equal(res.headers.get('access-control-max-age'), '600');
    assert.match(res.headers.get('vary') ?? '', /Origin/);
    assert.equal(res.headers.get('access-control-allow-credentials'), null);
  });

  for (const origin of ['http://localhost:5174', 'http://localhost', 'https://localhost:5173', 'http://localhost:51730', 'http://evil.example', 'null']) {
    it(`B6: preflight from an unlisted origin (${origin}) gets no CORS headers`, async () => {
      const res = await preflight(origin);
      for (const name of ['allow-origin', 'allow-methods', 'allow-headers', 'max-age', 'expose-headers']) {
        assert.equal(res.headers.get(`access-control-${name}`), null, name);
      }
    });
  }

  it('B6: a 401 for the app origin carries CORS headers and exposes WWW-Authenticate, DPoP-Nonce and ETag', async () => {
    const res = await fetch(`${api.origin}/todos`, { headers: { Origin: APP_ORIGIN } });
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('access-control-allow-origin'), APP_ORIGIN);
    assert.equal(res.headers.get('access-control-expose-headers'), 'WWW-Authenticate, DPoP-Nonce, ETag');
    assert.match(res.headers.get('vary') ?? '', /Origin/);
  });

  it('B6: a successful answer to another origin has no CORS headers', async () => {
    const res = await fetch(`${api.origin}/todos`, { headers: { Origin: 'http://evil.example', ...bearer(alice) } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), null);
    assert.equal(res.headers.get('access-control-expose-headers'), null);
  });
});

describe('B9: todos per user and input validation', () => {
  it('B9: create, list, update, delete own todos', async () => {
    const created = await post(alice, { title: '  buy milk  ' });
    assert.equal(created.status, 201);
    const todo = (await created.json()) as { id: string; title: string; completed: boolean; createdAt: string; updatedAt: string };
    assert.match(todo.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(todo.title, 'buy milk');
    assert.equal(todo.completed, false);
    assert.ok(!Number.isNaN(Date.parse(todo.createdAt)));
    assert.deepEqual(Object.keys(todo).sort(), ['completed', 'createdAt', 'id', 'title', 'updatedAt']);

    const list = (await (await fetch(`${api.origin}/todos`, { headers: bearer(alice) })).json()) as Array<{ id: string }>;
    assert.ok(list.some((t) => t.id === todo.id));

    const patched = await fetch(`${api.origin}/todos/${todo.id}`, {
      method: 'PATCH',
      headers: { ...bearer(alice), ...JSON_HEADERS },
      body: JSON.stringify({ completed: true, title: 'buy oat milk' }),
    });
    assert.equal(patched.status, 200);
    assert.deepEqual(
      { ...((await patched.json()) as object), updatedAt: undefined },
      { ...todo, completed: true, title: 'buy oat milk', updatedAt: undefined },
    );

    const del = await fetch(`${api.origin}/todos/${todo.id}`, { method: 'DELETE', headers: bearer(alice) });
    assert.equal(del.status, 204);
    assert.equal(await del.text(), '');
    const again = await fetch(`${api.origin}/todos/${todo.id}`, { method: 'DELETE', headers: bearer(alice) });
    assert.equal(again.status, 404);
  });

  it("B9: bob cannot read, change or delete alice's todo ids (404), and alice's todo is unchanged", async () => {
    const todo = (await (await post(alice, { title: 'alice only' })).json()) as { id: string; title: string };
    const bobList = (await (await fetch(`${api.origin}/todos`, { headers: bearer(bob) })).json()) as Array<{ id: string }>;
    assert.ok(!bobList.some((t) => t.id === todo.id));
    const patch = await fetch(`${api.origin}/todos/${todo.id}`, {
      method: 'PATCH',
      headers: { ...bearer(bob), ...JSON_HEADERS },
      body: JSON.stringify({ title: 'pwned' }),
    });
    assert.equal(patch.status, 404);
    assert.equal((await errorBody(patch)).error, 'not_found');
    const del = await fetch(`${api.origin}/todos/${todo.id}`, { method: 'DELETE', headers: bearer(bob) });
    assert.equal(del.status, 404);
    const aliceList = (await (await fetch(`${api.origin}/todos`, { headers: bearer(alice) })).json()) as Array<{ id: string; title: string }>;
    assert.equal(aliceList.find((t) => t.id === todo.id)?.title, 'alice only');
  });

  const invalid: Array<[string, unknown, string]> = [
    ['empty title', { title: '' }, 'invalid_body'],
    ['blank title', { title: '   \n\t ' }, 'invalid_body'],
    ['title not a string', { title: 42 }, 'invalid_body'],
    ['title too long (501 chars)', { title: 'x'.repeat(501) }, 'invalid_body'],
    ['missing title', {}, 'invalid_body'],
    ['unknown field', { title: 'a', owner: 'bob-sub' }, 'invalid_body'],
    ['__proto__ field', '{"title":"a","__proto__":{"x":1}}', 'invalid_body'],
    ['a JSON array', '[{"title":"a"}]', 'invalid_body'],
    ['bad JSON', '{"title":', 'invalid_json'],
  ];
  for (const [name, body, code] of invalid) {
    it(`B9: POST with ${name} → 400 ${code}`, async () => {
      const res = await post(alice, body);
      assert.equal(res.status, 400);
      assert.equal((await errorBody(res)).error, code);
    });
  }

  it('B9: a 500-character title is accepted', async () => {
    assert.equal((await post(alice, { title: '😀'.repeat(500) })).status, 201);
  });

  it('B9: PATCH validation: completed must be boolean, empty patch and unknown fields refused', async () => {
    const todo = (await (await post(alice, { title: 'p' })).json()) as { id: string };
    for (const body of [{ completed: 'true' }, {}, { completed: true, id: 'x' }, { title: '' }]) {
      const res = await fetch(`${api.origin}/todos/${todo.id}`, {
        method: 'PATCH',
        headers: { ...bearer(alice), ...JSON_HEADERS },
        body: JSON.stringify(body),
      });
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal((await errorBody(res)).error, 'invalid_body');
    }
  });

  it('B9: a body that is not application/json → 415 unsupported_media_type', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1']) {
      const res = await post(alice, '{"title":"a"}', { 'Content-Type': type });
      assert.equal(res.status, 415, type);
      assert.equal((await errorBody(res)).error, 'unsupported_media_type');
    }
  });

  it('B9: a body over 16 KB → 413 payload_too_large (declared length)', async () => {
    const res = await post(alice, { title: 'x'.repeat(17 * 1024) });
    assert.equal(res.status, 413);
    assert.equal((await errorBody(res)).error, 'payload_too_large');
  });

  it('B9: a chunked body over 16 KB → 413 payload_too_large (reading stops)', async () => {
    const chunk = 'x'.repeat(4096);
    const res = await raw('POST', '/todos', { ...bearer(alice), ...JSON_HEADERS, 'Transfer-Encoding': 'chunked' }, [
      '{"title":"',
      chunk,
      chunk,
      chunk,
      chunk,
      chunk,
      '"}',
    ]);
    assert.equal(res.status, 413);
    assert.equal((JSON.parse(res.text) as ErrorBody).error, 'payload_too_large');
  });

  it('B9: the per-user cap refuses more todos with 409 todo_limit_reached', async () => {
    const capped = await startApi({ port: await freePort(), issuer: iss.issuer, appOrigin: APP_ORIGIN, maxTodosPerUser: 2 });
    try {
      const t = await mint(iss, capped.origin, { claims: { sub: 'carol-sub' } });
      const create = (): Promise<Response> =>
        fetch(`${capped.origin}/todos`, { method: 'POST', headers: { ...bearer(t), ...JSON_HEADERS }, body: '{"title":"a"}' });
      assert.equal((await create()).status, 201);
      assert.equal((await create()).status, 201);
      const third = await create();
      assert.equal(third.status, 409);
      assert.equal((await errorBody(third)).error, 'todo_limit_reached');
    } finally {
      await capped.close();
    }
  });
});
