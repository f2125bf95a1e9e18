/**
 * Issue 9: an outage of the IdP or the network, of any length, never signs the user out; the
 * refresh token is kept while it cannot have been used; the session recovers by itself. Real
 * IdP stopped and started again (its sessions and grants persist, as a real IdP's do), real
 * network cut (Playwright's offline mode reaches the SW too).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { pageFetch, signIn, swSession, waitForSession } from './harness/browser.ts';
import { eventually, pagePerTest, sleep, useStack } from './harness/fixture.ts';
import type { TokenExchange } from './harness/proxy.ts';
import { apiAsUser } from './ui/api-as-user.ts';
import { TodoPage } from './ui/todo-page.ts';

const TTL = 20;
const isRefresh = (x: TokenExchange) => x.request.get('grant_type') === 'refresh_token';

describe('Issue 9: no sign-out from an outage', () => {
  const f = useStack({ accessTokenTtl: TTL, persistIdp: true });
  // A test that stopped the IdP and failed leaves it started for the next one.
  const freshPage = pagePerTest(f, () => f.stack.idp.start());
  async function signedIn(): Promise<{ ctx: BrowserContext; page: Page }> {
    const p = await freshPage();
    await signIn(p.page, f.stack.origins, 'alice');
    // The user has seen their list (so the API has checked a token against the IdP's keys once,
    // as any API running for a while has): the outage starts from there.
    await new TodoPage(p.page, f.stack.origins).newTodo.waitFor();
    return p;
  }
  /** The SW's view, polled through an outage: never signed out. */
  async function watchFor(
    page: Page,
    ms: number,
    during: () => Promise<void> = () => Promise.resolve(),
  ): Promise<{ statuses: number[]; sessions: string[] }> {
    const statuses: number[] = [];
    const sessions: string[] = [];
    const end = Date.now() + ms;
    while (Date.now() < end) {
      statuses.push(
        await page.evaluate(
          (u) =>
            fetch(u).then(
              (r) => r.status,
              () => 0,
            ),
          `${f.stack.origins.apiOrigin}/todos`,
        ),
      );
      sessions.push((await swSession(page)).status);
      await during();
      await sleep(3_000);
    }
    return { statuses, sessions };
  }
  const lastRefreshToken = () =>
    [...f.proxy.tokenExchanges].reverse().find((x) => typeof x.response?.['refresh_token'] === 'string')?.response?.['refresh_token'];
  /** Through the UI, as the user would: the todo shows at once, marked as not saved yet. */
  async function addDuringOutage(page: Page, title: string): Promise<void> {
    const app = new TodoPage(page, f.stack.origins);
    await app.newTodo.fill(title).catch(async (err: unknown) => {
      throw new Error(`no "New todo" field during the outage; the page said: ${await page.locator('body').innerText()}`, { cause: err });
    });
    await app.newTodo.press('Enter');
    await app.checkbox(title).waitFor();
  }
  /** After the outage: the page says it is saved, and the API's store holds it exactly once. */
  async function storedOnce(page: Page, title: string): Promise<void> {
    await new TodoPage(page, f.stack.origins).settled(title);
    const stored = (await (await apiAsUser(f.stack.origins, 'alice')).list()).filter((t) => t.title === title);
    assert.equal(stored.length, 1, `"${title}" is in the API's store exactly once`);
  }
  const never = (page: Page) => page.evaluate(() => (globalThis as unknown as { __e2eMessages: string[] }).__e2eMessages.join('\n'));

  test('issue 9: the IdP down for 60 s across a refresh: no sign-out, no refresh request, the kept refresh token works once it is back', async () => {
    const { page } = await signedIn();
    const kept = lastRefreshToken();
    assert.ok(kept, 'the SW holds a refresh token');
    const tokenRequests = f.proxy.tokenRequestCount();
    await f.stack.idp.stop();
    const stopped = Date.now();
    let added = false;
    const { statuses, sessions } = await watchFor(page, 60_000, async () => {
      // Past the access token's lifetime: the write must wait for the IdP, not be lost.
      if (added || Date.now() - stopped < (TTL + 5) * 1000) return;
      added = true;
      await addDuringOutage(page, 'Written while the IdP was down');
    });
    assert.ok(added, 'a todo was added during the outage');
    assert.equal(f.proxy.tokenRequestCount(), tokenRequests, 'nothing was spent on an IdP that did not answer');
    assert.deepEqual(
      sessions.filter((s) => s === 'signed-out'),
      [],
      `sessions: ${sessions.join(',')}`,
    );
    assert.deepEqual(
      statuses.filter((s) => s !== 200 && s !== 503),
      [],
      `API statuses during the outage: ${statuses.join(',')} (never 401)`,
    );
    assert.ok(statuses.includes(503), 'once the access token expired, calls were told to wait');
    await f.stack.idp.start();
    await eventually(
      async () => ((await pageFetch(page, `${f.stack.origins.apiOrigin}/todos`)).status === 200 ? true : undefined),
      'API calls working again',
      30_000,
    );
    const used = f.proxy.tokenExchanges.slice().reverse().find(isRefresh);
    assert.equal(used?.request.get('refresh_token'), kept, 'the refresh after the outage used the kept refresh token');
    assert.equal(used.status, 200);
    await waitForSession(page, 'signed-in');
    await storedOnce(page, 'Written while the IdP was down');
    assert.doesNotMatch(await never(page), /"status":"signed-out"/, 'the page was never told it was signed out');
  });

  test('issue 9: the network cut for 30 s: no refresh request while offline, no sign-out, back by itself when online', async () => {
    const { ctx, page } = await signedIn();
    const tokenRequests = f.proxy.tokenRequestCount();
    await ctx.setOffline(true);
    let added = false;
    const { sessions } = await watchFor(page, 30_000, async () => {
      if (added) return;
      added = true;
      await addDuringOutage(page, 'Written while offline');
    });
    assert.equal(f.proxy.tokenRequestCount(), tokenRequests, 'no token request while the browser said offline');
    assert.deepEqual(
      sessions.filter((s) => s === 'signed-out'),
      [],
    );
    await ctx.setOffline(false);
    await eventually(
      async () => ((await pageFetch(page, `${f.stack.origins.apiOrigin}/todos`)).status === 200 ? true : undefined),
      'API calls working again',
      30_000,
    );
    await waitForSession(page, 'signed-in');
    await storedOnce(page, 'Written while offline');
    assert.doesNotMatch(await never(page), /"status":"signed-out"/);
  });

  test('issue 9: the IdP restarted: still signed in, and refresh works against the restarted IdP', async () => {
    const { page } = await signedIn();
    await f.stack.idp.stop();
    await f.stack.idp.start();
    const before = f.proxy.tokenExchanges.length;
    await eventually(
      async () => {
        await pageFetch(page, `${f.stack.origins.apiOrigin}/todos`);
        return f.proxy.tokenExchanges.slice(before).find((x) => isRefresh(x) && x.status === 200);
      },
      'a refresh against the restarted IdP',
      60_000,
    );
    assert.equal((await pageFetch(page, `${f.stack.origins.apiOrigin}/todos`)).status, 200);
    assert.equal((await swSession(page)).status, 'signed-in');
  });
});
