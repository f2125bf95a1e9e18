import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { pageFetch, signIn, stopServiceWorkers, swSession, waitForSession } from './harness/browser.ts';
import { eventually, useStack } from './harness/fixture.ts';
import { withIdbRecords } from './harness/idb-records.ts';
import { assertNoSecretsInPage } from './harness/leak-scan.ts';

describe('A5, A7, A8: no token, code or verifier readable by page script', () => {
  // Access tokens short enough that a refresh happens during the test.
  const f = useStack({ accessTokenTtl: 40 });

  test('A7: after sign-in, refresh and recovery, no token, code or verifier appears in anything page script can read', async () => {
    const { page } = await f.page();
    const o = f.stack.origins;
    await signIn(page, o, 'alice');
    const todos = await pageFetch(page, `${o.apiOrigin}/todos`);
    assert.equal(todos.status, 200, `after sign-in: ${todos.body}`);
    const x = f.proxy.tokenExchanges.find((e) => e.request.get('grant_type') === 'authorization_code');
    assert.ok(x, 'captured the code exchange');
    assert.ok(x.request.get('code') && x.request.get('code_verifier'), 'captured code and verifier');
    for (const k of ['access_token', 'refresh_token', 'id_token']) assert.ok(x.original?.[k], `captured ${k}`);
    await assertNoSecretsInPage(page, f.proxy.secrets(), 'after sign-in');

    const refreshes = () => f.proxy.tokenExchanges.filter((e) => e.request.get('grant_type') === 'refresh_token' && e.status === 200).length;
    await eventually(
      async () => {
        await pageFetch(page, `${o.apiOrigin}/todos`);
        return refreshes() > 0 ? true : undefined;
      },
      'a refresh',
      60_000,
    );
    const afterRefresh = await pageFetch(page, `${o.apiOrigin}/todos`);
    assert.equal(afterRefresh.status, 200, `after refresh: ${afterRefresh.body}`);
    await assertNoSecretsInPage(page, f.proxy.secrets(), 'after refresh');

    const codesBefore = f.proxy.issuedCodes.length;
    await stopServiceWorkers(page);
    const after = await pageFetch(page, `${o.apiOrigin}/todos`);
    assert.equal(after.status, 200, `after recovery: ${after.body}`);
    await waitForSession(page, 'signed-in');
    assert.ok(f.proxy.issuedCodes.length > codesBefore, 'recovery ran a new code flow');
    await assertNoSecretsInPage(page, f.proxy.secrets(), 'after recovery');
    // The scan covered real SW replies and broadcasts, not an empty log.
    const kinds = await page.evaluate(() => (globalThis as unknown as { __e2eMessages: string[] }).__e2eMessages.map((m) => m.split(' ')[0]));
    assert.ok(kinds.includes('port') && kinds.includes('sw'), `recorded SW messages: ${[...new Set(kinds)].join(',')}`);
  });

  test('A8: storage holds no token and no finished sign-in state after login', async () => {
    const { page } = await f.page();
    const o = f.stack.origins;
    const before = f.proxy.secrets().length;
    await signIn(page, o, 'bob');
    assert.ok(f.proxy.secrets().length > before, 'captured this login');
    const webStorage = await page.evaluate(async () => [
      document.cookie,
      JSON.stringify(Object.fromEntries(Object.entries(localStorage))),
      JSON.stringify(Object.fromEntries(Object.entries(sessionStorage))),
      ...(await caches.keys()).map((name) => `cache ${name}`),
    ]);
    const idb = await withIdbRecords(page, (records) => records.map((r) => `${r.db}/${r.store}: ${JSON.stringify([r.key, r.value])}`));
    assert.ok(idb.length > 0, 'the SW keeps records in IndexedDB: the dump is not empty');
    const storage = [...webStorage, ...idb].join('\n');
    assert.doesNotMatch(storage, /codeVerifier|code_verifier/, 'no pending sign-in left behind');
    for (const s of f.proxy.secrets()) assert.ok(!storage.includes(s), 'no secret in storage');
    await assertNoSecretsInPage(page, f.proxy.secrets(), 'A8 after login');
  });

  test('A5: no access_token in any URL, and the access token only ever travels in Authorization', async () => {
    // Its own sign-in and its own slice of the proxy log: it holds whether or not the tests above ran.
    const { page } = await f.page();
    const o = f.stack.origins;
    const fromRequest = f.proxy.requests.length;
    const fromExchange = f.proxy.tokenExchanges.length;
    await signIn(page, o, 'alice');
    const list = await pageFetch(page, `${o.apiOrigin}/todos`);
    assert.equal(list.status, 200, list.body);
    const requests = f.proxy.requests.slice(fromRequest);
    const urls = requests.map((r) => r.url.href);
    assert.ok(urls.length > 0, 'this sign-in went through the proxy');
    for (const u of urls) assert.doesNotMatch(u, /access_token=/);
    const accessTokens = f.proxy.tokenExchanges
      .slice(fromExchange)
      .map((x) => x.original?.['access_token'])
      .filter((t): t is string => typeof t === 'string');
    assert.ok(accessTokens.length > 0, 'captured the access token of this sign-in');
    for (const t of accessTokens) assert.ok(!urls.some((u) => u.includes(t)), 'no access token in a URL');
    // Every request that carried one carried it as a Bearer header to the API only.
    const carriers = requests.filter((r) => accessTokens.some((t) => JSON.stringify(r.headers).includes(t)));
    assert.ok(carriers.length > 0, 'API calls carried the token');
    for (const r of carriers) {
      assert.equal(r.url.origin, o.apiOrigin);
      assert.match(r.headers.authorization ?? '', /^Bearer /);
    }
  });
});

describe('A5: the app works with opaque access tokens (it never parses them)', () => {
  const f = useStack({ accessTokenFormat: 'opaque', apiValidation: 'introspection' });

  test('A5: with opaque access tokens, API calls succeed', async () => {
    const { page } = await f.page();
    const o = f.stack.origins;
    await signIn(page, o, 'alice');
    const token = f.proxy.tokenExchanges.at(-1)?.original?.['access_token'];
    assert.equal(typeof token, 'string');
    assert.equal(String(token).split('.').length, 1, 'the access token is opaque');
    const created = await pageFetch(page, `${o.apiOrigin}/todos`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ title: 'opaque works' }),
    });
    assert.equal(created.status, 201, created.body);
    const list = await pageFetch(page, `${o.apiOrigin}/todos`);
    assert.equal(list.status, 200);
    assert.match(list.body, /opaque works/);
    assert.equal((await swSession(page)).status, 'signed-in');
  });
});
