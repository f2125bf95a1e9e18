/**
 * The residual-risk attacks of STANDARDS ("acquisition of new tokens"), scripted whole: script in
 * the app runs its own prompt=none flow in an iframe or popup and tries to read the code. Each
 * asserts that the IdP did issue a code (the attack really ran) and that no page script could
 * read it. The app's CSP frame-src would stop the iframe before it starts; it is widened here so
 * the SW's callback handling, frame-ancestors and COOP are what is tested.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { authorizeRequest } from '../stack/flow.ts';
import { signIn } from './harness/browser.ts';
import { eventually, useStack } from './harness/fixture.ts';
import { runAttack, type Opener } from './harness/code-attack.ts';
import { assertNoSecretsInPage } from './harness/leak-scan.ts';

describe('Attacks: a page script running its own prompt=none flow never gets a code', () => {
  const f = useStack({ relaxFrameSrc: true });

  async function attack(opts: { opener: Opener; responseMode?: 'fragment'; unregisterFirst?: boolean }) {
    const { page } = await f.page();
    const o = f.stack.origins;
    await signIn(page, o, 'alice');
    if (opts.unregisterFirst) {
      const gone = await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.unregister());
      assert.equal(gone, true, 'unregistered');
    }
    const req = authorizeRequest(o.issuer, o.appOrigin, {
      prompt: 'none',
      scope: 'openid',
      ...(opts.responseMode ? { response_mode: opts.responseMode } : {}),
    });
    const codesBefore = f.proxy.issuedCodes.length;
    const exchangesBefore = f.proxy.tokenExchanges.length;
    const readable = await runAttack(page, req.url.href, opts.opener);
    const issued = f.proxy.issuedCodes.slice(codesBefore);
    return { page, readable, issued, exchanges: f.proxy.tokenExchanges.slice(exchangesBefore) };
  }

  function assertNotRead(r: { readable: string[]; issued: string[]; exchanges: { request: URLSearchParams }[] }) {
    for (const code of r.issued) {
      assert.ok(!r.readable.some((s) => s.includes(code)), 'the attacker read the code');
      assert.ok(!r.exchanges.some((x) => x.request.get('code') === code), 'the attacker code was exchanged');
    }
  }

  test('Attack: an iframe running prompt=none (query) gets a code issued but never readable', async () => {
    const r = await attack({ opener: 'iframe' });
    assert.equal(r.issued.length, 1, 'the IdP issued a code');
    assertNotRead(r);
    await assertNoSecretsInPage(r.page, r.issued, 'iframe query');
  });

  test('Attack: an iframe asking for response_mode=fragment never yields a readable code', async () => {
    const r = await attack({ opener: 'iframe', responseMode: 'fragment' });
    assertNotRead(r);
    for (const s of r.readable) assert.doesNotMatch(s, /[?#&]code=/);
    if (r.issued.length > 0) await assertNoSecretsInPage(r.page, r.issued, 'iframe fragment');
  });

  test('Attack: after registration.unregister(), the iframe flow is stopped by frame-ancestors', async () => {
    const r = await attack({ opener: 'iframe', unregisterFirst: true });
    assert.equal(r.issued.length, 1, 'the IdP issued a code');
    assertNotRead(r);
    await assertNoSecretsInPage(r.page, r.issued, 'iframe after unregister');
  });

  test('Attack: a popup running prompt=none cannot be read by its opener (COOP)', async () => {
    const r = await attack({ opener: 'popup' });
    assert.equal(r.issued.length, 1, 'the IdP issued a code');
    assertNotRead(r);
  });

  test('Attack: after registration.unregister(), a popup running prompt=none cannot be read by its opener (COOP)', async () => {
    const r = await attack({ opener: 'popup', unregisterFirst: true });
    assert.equal(r.issued.length, 1, 'the IdP issued a code');
    assertNotRead(r);
  });

  test('Attack: the code an attacker flow leaves in an uncontrolled popup is scrubbed from its URL', async () => {
    const { ctx, page } = await f.page();
    const o = f.stack.origins;
    await signIn(page, o, 'alice');
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.unregister());
    const req = authorizeRequest(o.issuer, o.appOrigin, { prompt: 'none', scope: 'openid' });
    const codesBefore = f.proxy.issuedCodes.length;
    const popupPromise = ctx.waitForEvent('page');
    await page.evaluate((u) => void window.open(u, '_blank'), req.url.href);
    const popup = await popupPromise;
    const code = await eventually(() => f.proxy.issuedCodes[codesBefore], 'a code issued');
    await popup.waitForLoadState('load');
    // The page scrubs code and state before anything else runs.
    await eventually(async () => (!(await popup.evaluate(() => location.href)).includes(code) ? true : undefined), 'the code removed from the URL');
    await assertNoSecretsInPage(popup, [code], 'uncontrolled callback page');
  });
});
