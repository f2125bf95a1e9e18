import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fillIdpLogin, openApp, swSession, waitForApp } from './harness/browser.ts';
import { lastAuthError, useStack } from './harness/fixture.ts';

describe('A3: RFC 9207 iss checked before any code exchange', () => {
  const f = useStack();

  const cases: [string, (u: URL) => void][] = [
    ['the iss of another server', (u) => u.searchParams.set('iss', 'http://evil.example')],
    ['iss removed', (u) => u.searchParams.delete('iss')],
    ['iss with a trailing slash', (u) => u.searchParams.set('iss', `${u.searchParams.get('iss')}/`)],
  ];
  for (const [label, alter] of cases) {
    test(`A3: a callback with ${label} is rejected before any token request`, async () => {
      const { page, nav } = await f.page();
      const o = f.stack.origins;
      // The IdP's real authorization response, altered on its way to the browser.
      f.proxy.setLocationTransform((l) => {
        if (l.origin !== o.appOrigin || l.pathname !== '/callback' || !l.searchParams.has('code')) return null;
        const u = new URL(l);
        alter(u);
        return u;
      });
      try {
        await openApp(page, o);
        const before = f.proxy.tokenRequestCount();
        const codesBefore = f.proxy.issuedCodes.length;
        await page.goto(`${o.appOrigin}/login?returnTo=/`);
        await fillIdpLogin(page, o, 'alice');
        await waitForApp(page, o);
        assert.ok(f.proxy.issuedCodes.length > codesBefore, 'the IdP did issue a code');
        assert.equal(lastAuthError(nav), 'issuer_mismatch');
        assert.equal(f.proxy.tokenRequestCount(), before, 'no token request');
        assert.equal((await swSession(page)).status, 'signed-out');
      } finally {
        f.proxy.setLocationTransform(null);
      }
    });
  }
});
