import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { signIn, waitForSession } from './harness/browser.ts';
import { useStack } from './harness/fixture.ts';

describe('A1: authorization code flow with PKCE S256 only', () => {
  const f = useStack();

  test('A1: two logins send different S256 challenges, each matching a fresh >= 256-bit verifier; never response_type=token', async () => {
    const { page } = await f.page();
    const o = f.stack.origins;
    await signIn(page, o, 'alice');
    // A second, independent login (fresh profile) must use a fresh verifier.
    const { page: page2 } = await f.page();
    await signIn(page2, o, 'alice');
    await waitForSession(page2, 'signed-in');

    const authorize = f.proxy.requests.filter((r) => r.url.origin === o.issuer && r.url.pathname === '/auth' && r.url.searchParams.has('client_id'));
    assert.equal(authorize.length, 2, 'two authorization requests');
    for (const a of authorize) {
      assert.equal(a.url.searchParams.get('response_type'), 'code');
      assert.equal(a.url.searchParams.get('code_challenge_method'), 'S256');
    }
    const challenges = authorize.map((a) => a.url.searchParams.get('code_challenge'));
    assert.notEqual(challenges[0], challenges[1]);

    const exchanges = f.proxy.tokenExchanges.filter((x) => x.request.get('grant_type') === 'authorization_code');
    assert.equal(exchanges.length, 2);
    exchanges.forEach((x, i) => {
      const verifier = x.request.get('code_verifier') ?? '';
      // 256 bits of entropy in base64url is 43 characters (RFC 7636 §4.1).
      assert.ok(verifier.length >= 43, `verifier of ${verifier.length} chars`);
      assert.equal(createHash('sha256').update(verifier).digest('base64url'), challenges[i]);
    });
    const everyUrl = f.proxy.requests.map((r) => r.url.href).join('\n');
    assert.doesNotMatch(everyUrl, /response_type=(token|id_token)/);
    const grants = f.proxy.tokenExchanges.map((x) => x.request.get('grant_type'));
    assert.deepEqual(
      grants.filter((g) => g !== 'authorization_code' && g !== 'refresh_token'),
      [],
    );
  });
});
