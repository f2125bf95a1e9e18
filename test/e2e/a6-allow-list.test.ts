import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { closeAll, pageFetch, signIn } from './harness/browser.ts';
import { eventually, useStack } from './harness/fixture.ts';
import { startRecorderPair, startRecordingServer, type RecordingServer } from './harness/recorder.ts';

/** Chromium maps these names to 127.0.0.1; the SW must treat them as the other hosts they are. */
const MAPPED = ['api.evil.e2e.test', 'localhost.evil.e2e.test'];
const RESOLVER_ARGS = [`--host-resolver-rules=${MAPPED.map((h) => `MAP ${h} 127.0.0.1`).join(', ')}`];

/** Script requests from the page: a simple GET and a POST with JSON (preflighted). */
async function scriptRequests(page: Page, url: string): Promise<void> {
  await page.evaluate(async (u) => {
    await fetch(u).catch(() => undefined);
    await fetch(u, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' }).catch(() => undefined);
  }, url);
}

/**
 * A page action that adds a `tag` element with `props` (set before its URL, as markup would) that
 * loads `url`: `src` for iframes and images, `href` for links (in the head).
 */
function addElement(tag: 'iframe' | 'img' | 'link', props: Record<string, string>): (page: Page, url: string) => Promise<unknown> {
  return (page, url) =>
    page.evaluate(
      ([t, p, u]) => {
        const el = document.createElement(t);
        Object.assign(el, p, t === 'link' ? { href: u } : { src: u });
        (t === 'link' ? document.head : document.body).append(el);
      },
      [tag, props, url] as const,
    );
}

describe('A6: bearer only to the exact API allow-list, end to end', () => {
  let localhostOther: RecordingServer;
  let loopbackIp: RecordingServer;
  let mapped: RecordingServer;
  before(async () => {
    localhostOther = await startRecordingServer('localhost');
    loopbackIp = await startRecordingServer('127.0.0.1');
    mapped = await startRecordingServer('127.0.0.1', 'api.evil.e2e.test');
  });
  after(() => closeAll(localhostOther, loopbackIp, mapped));
  const f = useStack({ relaxConnectSrc: true }, () => ({ extraArgs: RESOLVER_ARGS }));

  async function signedInPage(): Promise<Page> {
    const { page } = await f.page();
    await signIn(page, f.stack.origins, 'alice');
    // Control: the SW does add the token to the API, so a missing header below means something.
    const ok = await pageFetch(page, `${f.stack.origins.apiOrigin}/todos`);
    assert.equal(ok.status, 200, `control API call: ${ok.body}`);
    return page;
  }

  for (const [label, server] of [
    ['A6: no Authorization reaches a server on another port of localhost', () => localhostOther],
    ['A6: no Authorization reaches a server on 127.0.0.1', () => loopbackIp],
    ['A6: no Authorization reaches a host mapped with --host-resolver-rules', () => mapped],
  ] as const) {
    test(label, async () => {
      const page = await signedInPage();
      const rec = server();
      await scriptRequests(page, `${rec.origin}/todos`);
      await eventually(() => (rec.requests.some((r) => r.path === '/todos' && r.method === 'POST') ? true : undefined), 'requests arrived');
      assert.deepEqual(rec.withAuthorization(), []);
    });
  }

  test('A6: the API port under another host name (127.0.0.1, a mapped name) gets no token', async () => {
    const page = await signedInPage();
    const port = f.stack.origins.apiPort;
    for (const host of ['127.0.0.1', 'api.evil.e2e.test', 'localhost.evil.e2e.test']) {
      const r = await pageFetch(page, `http://${host}:${port}/todos`);
      // RFC 6750 §3.1: no credentials at all -> 401 without an error attribute.
      assert.equal(r.status, 401, `${host}: ${r.body}`);
      assert.doesNotMatch(r.wwwAuthenticate ?? '', /error=/, `${host} got a token`);
    }
  });

  test('A6: a navigation to the API carries no token', async () => {
    const page = await signedInPage();
    const res = await page.goto(`${f.stack.origins.apiOrigin}/todos`);
    assert.equal(res?.status(), 401);
    assert.doesNotMatch(res.headers()['www-authenticate'] ?? '', /error=/);
  });
});

describe('A6: allow-list table through the real SW (a recording server stands in for the API, path prefix /api)', () => {
  let api: RecordingServer;
  let longerPort: RecordingServer;
  before(async () => {
    [api, longerPort] = await startRecorderPair('localhost');
  });
  after(() => closeAll(api, longerPort));
  const f = useStack(
    () => ({ apiOverride: { origin: api.origin, pathPrefix: '/api' }, relaxConnectSrc: true }),
    () => ({ extraArgs: RESOLVER_ARGS }),
  );

  /** Runs `act` in a signed-in page and returns what reached the stand-in API at `path`. */
  async function arrivals(path: string, act: (page: Page) => Promise<unknown>) {
    // bypassCSP: the page's img-src would stop some loads before they reach the SW.
    const { page } = await f.page({ bypassCSP: true });
    await signIn(page, f.stack.origins, 'alice');
    await act(page);
    return eventually(() => {
      const hits = [...api.requests, ...longerPort.requests].filter((r) => r.path === path && r.method !== 'OPTIONS');
      return hits.length > 0 ? hits : undefined;
    }, `a request to ${path}`);
  }

  test('A6: control: a script request on the allow-list gets the bearer', async () => {
    const hits = await arrivals('/api/control', (page) => pageFetch(page, `${api.origin}/api/control`));
    assert.match(hits[0]!.authorization ?? '', /^Bearer \S+/);
  });

  const table: [string, (o: { api: string; apiPort: number; longer: string }) => string, string][] = [
    ['the prefix path itself matches', ({ api }) => `${api}/api`, 'yes'],
    ['path /apix (not at a / boundary)', ({ api }) => `${api}/apix`, 'no'],
    ['path /API/x (case)', ({ api }) => `${api}/API/x`, 'no'],
    ['path /other/api/x', ({ api }) => `${api}/other/api/x`, 'no'],
    ['a longer port (:P1 for :P)', ({ longer }) => `${longer}/api/longer`, 'no'],
    ['127.0.0.1 with the API port', ({ apiPort }) => `http://127.0.0.1:${apiPort}/api/ip`, 'no'],
    ['localhost.evil.e2e.test with the API port', ({ apiPort }) => `http://localhost.evil.e2e.test:${apiPort}/api/evil`, 'no'],
  ];
  for (const [label, url, expected] of table) {
    test(`A6: ${label}: ${expected === 'yes' ? 'bearer' : 'no bearer'}`, async () => {
      const target = url({ api: api.origin, apiPort: api.port, longer: longerPort.origin });
      const path = new URL(target).pathname;
      const hits = await arrivals(path, (page) => scriptRequests(page, target));
      const authorised = hits.filter((h) => h.authorization !== undefined);
      if (expected === 'yes') assert.equal(authorised.length, hits.length);
      else
        assert.deepEqual(
          authorised.map((h) => h.path),
          [],
        );
    });
  }

  const nonScript: [string, (page: Page, url: string) => Promise<unknown>][] = [
    ['a top-level navigation', (page, url) => page.goto(url).catch(() => undefined)],
    ['an iframe navigation', addElement('iframe', {})],
    ['<img crossorigin>', addElement('img', { crossOrigin: 'anonymous' })],
    ['<img> (no-cors)', addElement('img', {})],
    ['fetch mode no-cors', (page, url) => page.evaluate((u) => fetch(u, { mode: 'no-cors' }).catch(() => undefined), url)],
    ['<link rel=preload as=image crossorigin>', addElement('link', { rel: 'preload', as: 'image', crossOrigin: 'anonymous' })],
    ['<link rel=preload as=style crossorigin>', addElement('link', { rel: 'preload', as: 'style', crossOrigin: 'anonymous' })],
    // Not `as=fetch`: its destination is '' like fetch() itself, which is how A6 defines a
    // script request; a SW cannot tell the two apart, and the exposure is the same.
  ];
  nonScript.forEach(([label, act], i) => {
    test(`A6: ${label} to an allow-listed API URL carries no Authorization`, async () => {
      const path = `/api/non-script-${i}.png`;
      const hits = await arrivals(path, (page) => act(page, `${api.origin}${path}`));
      assert.deepEqual(
        hits.filter((h) => h.authorization !== undefined).map((h) => h.path),
        [],
      );
    });
  });
});
