/**
 * Issue 8, findings 5 and 6, black-box: a stand-in API (path prefix `/api`) that redirects and
 * one endpoint that always answers 401 `invalid_token`; the real IdP and the real SW.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeAll, pageFetch, signIn } from './harness/browser.ts';
import { eventually, useStack } from './harness/fixture.ts';
import { startRecordingServer, type RecordingServer, type Respond } from './harness/recorder.ts';

describe('Issue 8: what the SW does with an API that misbehaves', () => {
  let api: RecordingServer;
  before(async () => {
    api = await startRecordingServer('localhost', 'localhost', 0, ({ path }): ReturnType<Respond> => {
      if (path === '/api/r') return { status: 302, headers: { Location: '/private' } };
      if (path === '/api/always-401') return { status: 401, headers: { 'WWW-Authenticate': 'Bearer realm="x", error="invalid_token"' } };
      return undefined;
    });
  });
  after(() => closeAll(api));
  const f = useStack(() => ({ apiOverride: { origin: api.origin, pathPrefix: '/api' } }));

  test('finding 5: a same-origin redirect off the path prefix never receives the token; the page gets a coded refusal', async () => {
    const { page } = await f.page();
    await signIn(page, f.stack.origins, 'alice');
    const control = await pageFetch(page, `${api.origin}/api/todos`);
    assert.equal(control.status, 200);
    assert.ok(
      api.requests.some((r) => r.path === '/api/todos' && r.authorization?.startsWith('Bearer ')),
      'control: the API itself gets the token',
    );
    const res = await pageFetch(page, `${api.origin}/api/r`);
    assert.equal(res.status, 502);
    assert.equal((JSON.parse(res.body) as { code: string }).code, 'api_redirect_refused');
    const manual = await page.evaluate((u) => fetch(u, { redirect: 'manual' }).then((r) => r.type), `${api.origin}/api/r`);
    assert.equal(manual, 'opaqueredirect', 'a page that asks for the redirect gets it');
    assert.deepEqual(
      api.requests.filter((r) => r.path === '/private'),
      [],
      'nothing was sent to /private',
    );
  });

  test('finding 6: ten calls to an endpoint that always answers 401 invalid_token cost one refresh', async () => {
    const { page } = await f.page();
    await signIn(page, f.stack.origins, 'alice');
    const refreshes = () => f.proxy.tokenExchanges.filter((x) => x.request.get('grant_type') === 'refresh_token').length;
    const before = refreshes();
    for (let i = 0; i < 10; i++) assert.equal((await pageFetch(page, `${api.origin}/api/always-401`)).status, 401);
    await eventually(() => (api.requests.filter((r) => r.path === '/api/always-401').length >= 11 ? true : undefined), 'all calls arrived');
    assert.equal(refreshes() - before, 1);
  });
});
