/**
 * Issue 8 finding 3 (STANDARDS A9): documents the SW does not control (an about:blank iframe, a
 * `window.open('')` popup, a blob: document) inherit the page's CSP, so whatever origin its
 * `connect-src` lists, page script reaches directly through them. The document CSP lists no IdP
 * origin, so their token requests fail; the SW's own requests are governed by the CSP on sw.js,
 * so the app still signs in and refreshes. Served by nginx with the generated headers.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { eventually, useStack } from '../harness/fixture.ts';
import { signedIn } from './signed-in.ts';

type Vehicle = 'about:blank iframe' | "window.open('') popup" | 'blob: document';

/** Page script POSTs to the token endpoint through `vehicle`; returns what it got back. */
function postThrough(page: Page, vehicle: Vehicle, tokenEndpoint: string): Promise<string> {
  return page.evaluate(
    async ([how, url]) => {
      let w: Window | null;
      if (how === 'about:blank iframe') {
        const frame = document.createElement('iframe');
        document.body.append(frame);
        w = frame.contentWindow;
      } else if (how === "window.open('') popup") {
        w = window.open('');
      } else {
        const blob = URL.createObjectURL(new Blob(['<!doctype html><title>blob</title>'], { type: 'text/html' }));
        w = window.open(blob);
        await new Promise<void>((resolve) => {
          const poll = setInterval(() => {
            if (w?.document.readyState === 'complete' && w.location.protocol === 'blob:') {
              clearInterval(poll);
              resolve();
            }
          }, 20);
        });
      }
      if (!w) return 'no window';
      try {
        const res = await w.fetch(url, {
          method: 'POST',
          body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'x', client_id: 'todo-spa' }),
        });
        return `HTTP ${res.status} ${await res.text()}`;
      } catch (e) {
        return `${(e as Error).name}: ${(e as Error).message}`;
      } finally {
        if (how !== 'about:blank iframe') w.close();
      }
    },
    [vehicle, tokenEndpoint] as const,
  );
}

describe('A9 / issue 8 finding 3: documents the SW does not control cannot reach the IdP', () => {
  const f = useStack({ host: 'nginx', accessTokenTtl: 20 });

  test('A9: fetch(token endpoint, POST) from an about:blank iframe, a window.open("") popup and a blob: document fails, while the app signs in and refreshes', async () => {
    const o = f.stack.origins;
    const discovery = (await (await fetch(`${o.issuer}/.well-known/openid-configuration`)).json()) as { token_endpoint: string };
    const { page, app, watch } = await signedIn(f);
    const signedInAt = f.proxy.tokenExchanges.length;

    const toToken = () => f.proxy.requests.filter((r) => r.url.href.startsWith(discovery.token_endpoint)).length;
    for (const vehicle of ['about:blank iframe', "window.open('') popup", 'blob: document'] as const) {
      const before = toToken();
      const seenBefore = watch.violations.length;
      const loggedBefore = watch.consoleMessages.length;
      const result = await postThrough(page, vehicle, discovery.token_endpoint);
      assert.equal(toToken(), before, `${vehicle}: the request never reached the IdP (${result})`);
      assert.match(result, /^TypeError|^HTTP 403 .*idp_request_refused/, `${vehicle}: failed (${result})`);
      if (vehicle !== 'blob: document') {
        // Not controlled by the SW: only the inherited CSP can have stopped it.
        assert.match(result, /^TypeError/, vehicle);
        // The event reaches our listener where Playwright's init script ran (not in the popup's
        // synchronous about:blank); the browser logs every violation to the console.
        const blocked = await eventually(
          () =>
            watch.violations.slice(seenBefore).find((v) => v.effectiveDirective === 'connect-src' && v.blockedURI.startsWith(o.issuer)) ??
            watch.consoleMessages.slice(loggedBefore).find((m) => m.includes(discovery.token_endpoint) && m.includes('connect-src')),
          `${vehicle}: a connect-src violation for the IdP`,
        );
        assert.ok(blocked);
      }
    }

    // The SW's own token requests are governed by sw.js's CSP, which lists the IdP.
    await eventually(
      () =>
        f.proxy.tokenExchanges.slice(signedInAt).some((x) => x.request.get('grant_type') === 'refresh_token' && x.status === 200) ? true : undefined,
      'the SW refreshed the access token',
      60_000,
    );
    await app.add('Still works');
    const unexpected = watch.violations.filter((v) => !(v.effectiveDirective === 'connect-src' && v.blockedURI.startsWith(o.issuer)));
    assert.deepEqual(unexpected, [], watch.describe());
  });
});
