/**
 * Refresh (issue 3 item 4): single-flight for the whole origin, and API calls keep working
 * across access-token expiries.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { pageFetch, signIn, waitForSession } from './harness/browser.ts';
import { eventually, sleep, useStack } from './harness/fixture.ts';

describe('Refresh: one refresh in flight for the whole origin', () => {
  const TTL = 35;
  const f = useStack({ accessTokenTtl: TTL });

  test('Refresh: 50 concurrent calls on an expired access token cause exactly one token request', async () => {
    const { ctx, page } = await f.page();
    const o = f.stack.origins;
    await signIn(page, o, 'alice');
    // A second tab: all tabs share the one SW and so the one refresh.
    const tab2 = await ctx.newPage();
    await tab2.goto(`${o.appOrigin}/`);
    const { accessTokenExpiresAt } = await waitForSession(page, 'signed-in');
    // Hold the token endpoint so the expired token stays expired, whatever the SW tries early.
    const before = f.proxy.tokenRequestCount();
    const release = f.proxy.holdTokenRequests();
    let results: number[];
    try {
      await sleep(Math.max(0, accessTokenExpiresAt - Date.now()) + 1_000);
      const calls = [page, tab2].flatMap((p) =>
        Array.from({ length: 25 }, () =>
          p.evaluate(
            (u) =>
              fetch(u).then(
                (r) => r.status,
                () => 0,
              ),
            `${o.apiOrigin}/todos`,
          ),
        ),
      );
      // Every call has reached the SW and waits on the refresh before the IdP may answer.
      await eventually(() => (f.proxy.tokenRequestCount() > before ? true : undefined), 'the refresh request', 30_000);
      await sleep(1_000);
      release();
      results = await Promise.all(calls);
    } finally {
      release();
    }
    assert.deepEqual(
      results.filter((s) => s !== 200),
      [],
      'every call succeeded',
    );
    assert.equal(f.proxy.tokenRequestCount() - before, 1, 'exactly one token request');
    const refreshes = f.proxy.tokenExchanges.filter((x) => x.request.get('grant_type') === 'refresh_token');
    assert.equal(refreshes.at(-1)?.status, 200);
  });
});

describe('Refresh: short access-token lifetimes', () => {
  // Shorter than a fixed 30 s refresh margin: the SW must still hand out live tokens.
  const f = useStack({ accessTokenTtl: 15 });

  test('Refresh: with 15 s access tokens, API calls keep working across expiries', async () => {
    const { page } = await f.page();
    const o = f.stack.origins;
    await signIn(page, o, 'alice');
    const statuses: number[] = [];
    // 24 s of use: past the first token's expiry.
    for (let i = 0; i < 7; i++) {
      statuses.push((await pageFetch(page, `${o.apiOrigin}/todos`)).status);
      await sleep(4_000);
    }
    assert.deepEqual(
      statuses.filter((s) => s !== 200),
      [],
      `statuses: ${statuses.join(',')}`,
    );
    const refreshes = f.proxy.tokenExchanges.filter((x) => x.request.get('grant_type') === 'refresh_token' && x.status === 200);
    assert.ok(refreshes.length >= 1, 'tokens were refreshed');
    // Not a refresh storm: the margin must leave each token usable for a while.
    assert.ok(refreshes.length <= statuses.length, `refreshes: ${refreshes.length} for ${statuses.length} calls`);
  });
});
