import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { closeAll, openApp, pageFetch, signIn, swSession } from './harness/browser.ts';
import { eventually, useStack } from './harness/fixture.ts';
import { startRecordingServer, type RecordingServer } from './harness/recorder.ts';

describe('A10: nothing a page sends can change what the SW trusts', () => {
  let evil: RecordingServer;
  before(async () => {
    evil = await startRecordingServer('localhost');
  });
  after(() => closeAll(evil));
  const f = useStack({ relaxConnectSrc: true });

  test('A10: messages asking to change the issuer, token endpoint or allow-list have no effect', async () => {
    const { page } = await f.page();
    const o = f.stack.origins;
    await openApp(page, o);
    const evilConfig = {
      issuer: evil.origin,
      token_endpoint: `${evil.origin}/token`,
      tokenEndpoint: `${evil.origin}/token`,
      apis: [{ origin: evil.origin, pathPrefix: '/' }],
      allowList: [evil.origin],
    };
    const replies = await page.evaluate(async (cfg) => {
      const ask = (msg: unknown) =>
        new Promise<unknown>((resolve) => {
          const ch = new MessageChannel();
          const t = setTimeout(() => resolve('no reply'), 5_000);
          ch.port1.onmessage = (e) => {
            clearTimeout(t);
            resolve(e.data);
          };
          navigator.serviceWorker.controller!.postMessage(msg, [ch.port2]);
        });
      return [
        await ask({ v: 1, id: 'a10-1', type: 'set-config', config: cfg }),
        await ask({ v: 1, id: 'a10-2', type: 'config', ...cfg }),
        await ask({ v: 1, id: 'a10-3', type: 'hello', believedSignedIn: false, ...cfg, config: cfg }),
        await ask({ v: 1, id: 'a10-4', type: 'heartbeat', ...cfg }),
        await ask({ v: 2, id: 'a10-5', type: 'hello', believedSignedIn: false }),
        await ask({ ...cfg }),
      ];
    }, evilConfig);
    // Every message gets a reply on its port. Unknown types, versions and shapes are refused with
    // bad_message; known types answer as usual, with none of the extra fields taken up or echoed.
    type Answer = { ok?: boolean; id?: string; error?: { code?: string }; result?: { session?: { status?: string } } };
    const expected = ['bad_message', 'bad_message', 'answered', 'answered', 'bad_message', 'bad_message'] as const;
    assert.equal(replies.length, expected.length);
    expected.forEach((want, i) => {
      const r = replies[i] as Answer | string;
      assert.ok(typeof r === 'object', `message ${i}: no reply (${JSON.stringify(r)})`);
      if (want === 'answered') {
        assert.equal(r.ok, true, `message ${i} refused: ${JSON.stringify(r)}`);
        assert.equal(r.id, `a10-${i + 1}`);
        assert.deepEqual(Object.keys(r.result ?? {}).sort(), ['session', 'swInstanceId'], `message ${i}: ${JSON.stringify(r)}`);
        assert.equal(r.result?.session?.status, 'signed-out', `message ${i}: ${JSON.stringify(r)}`);
      } else {
        assert.equal(r.ok, false, `message ${i} accepted: ${JSON.stringify(r)}`);
        assert.equal(r.error?.code, want, `message ${i}: ${JSON.stringify(r)}`);
      }
    });

    await signIn(page, o, 'alice');
    const auth = f.proxy.requests.filter((r) => r.url.pathname === '/auth' || r.url.pathname === '/token');
    assert.ok(auth.length > 0 && auth.every((r) => r.url.origin === o.issuer), 'sign-in used the configured issuer');
    assert.equal(evil.requests.length, 0, 'nothing went to the server the messages named');
    assert.equal((await pageFetch(page, `${o.apiOrigin}/todos`)).status, 200);
    await page.evaluate((u) => fetch(u).catch(() => undefined), `${evil.origin}/todos`);
    await eventually(() => (evil.requests.length > 0 ? true : undefined), 'the page request');
    assert.deepEqual(evil.withAuthorization(), [], 'the allow-list did not grow');
    assert.equal((await swSession(page)).status, 'signed-in');
  });
});
