/**
 * Issue 8, finding 8: served by a static host without its security headers, the app refuses to
 * start a sign-in and says so to whoever runs the site, instead of silently losing its defences.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openApp, waitForApp } from './harness/browser.ts';
import { lastAuthError, useStack } from './harness/fixture.ts';

describe('finding 8: no sign-in without the security headers', () => {
  const f = useStack({ withoutSecurityHeaders: true });

  test('finding 8: without CSP and COOP the SW refuses /login before any request to the IdP, and the page explains it', async () => {
    const { page, nav } = await f.page();
    const o = f.stack.origins;
    await openApp(page, o);
    const before = f.proxy.requests.length;
    await page.getByRole('link', { name: 'Sign in' }).click();
    await waitForApp(page, o);
    assert.equal(lastAuthError(nav), 'insecure_deployment');
    await page.getByText('served without the security headers').waitFor({ timeout: 10_000 });
    assert.deepEqual(
      f.proxy.requests.slice(before).filter((r) => r.url.origin === o.issuer && r.url.pathname === '/auth'),
      [],
      'the IdP never saw an authorization request',
    );
  });
});
