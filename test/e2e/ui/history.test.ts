/**
 * Issue 4 item 2, the browser's history buttons: "Back after sign-in does not land on an error;
 * returning from the back/forward cache re-syncs the session and the list". Playwright turns the
 * back/forward cache off by default, so this file's browser keeps it on, and each bfcache test
 * checks that the page really came back from it (else it would only be testing a fresh load).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { useUiStack } from './ui-fixture.ts';
import type { TodoPage } from './todo-page.ts';

declare global {
  interface Window {
    bfcacheRestores?: number;
  }
}

/** Counts `pageshow` events with `persisted` (restores from the back/forward cache) per document. */
async function countBfcacheRestores(page: Page): Promise<void> {
  await page.addInitScript(() => {
    window.bfcacheRestores = 0;
    addEventListener('pageshow', (e) => {
      if (e.persisted) window.bfcacheRestores = (window.bfcacheRestores ?? 0) + 1;
    });
  });
}

/** Leaves the app for another origin's page, so the app's document goes into the bfcache. */
async function leaveApp(app: TodoPage): Promise<void> {
  await app.page.goto(`${app.origins.issuer}/.well-known/openid-configuration`);
}

/** Back to the app; a bfcache restore fires no `load`, so only the commit is awaited. */
async function backToApp(app: TodoPage): Promise<void> {
  await app.page.goBack({ waitUntil: 'commit' });
  await app.page.waitForURL((u) => u.origin === app.origins.appOrigin, { waitUntil: 'commit' });
  const restores = await app.page.waitForFunction(() => window.bfcacheRestores ?? 0).then((h) => h.jsonValue());
  const reasons = await app.page.evaluate(() => JSON.stringify(performance.getEntriesByType('navigation')[0]?.toJSON()));
  assert.equal(restores, 1, `the app came back from the back/forward cache (navigation entry: ${reasons})`);
}

const ERRORS = /something went wrong|could not|cannot|error|expired|try again/i;

describe('issue 4: Back after sign-in', () => {
  const fx = useUiStack();

  test('Back after sign-in never replays the callback nor shows an app error; the app entry before it shows the list', async () => {
    const app = await fx.open();
    const appRequests: string[] = [];
    app.page.on('request', (r) => {
      if (r.isNavigationRequest() && r.url().startsWith(app.origins.appOrigin)) appRequests.push(new URL(r.url()).pathname);
    });
    await app.open();
    await app.signIn('alice');
    await app.add('Buy milk');
    const afterSignIn = appRequests.length;

    // History: app (signed out) -> IdP login page -> app (signed in); the callback and the
    // authorization redirects leave no entry. Back reloads the IdP's login page, whose sign-in is
    // finished: the IdP sends the browser back to the app (test/stack/idp/interactions.ts).
    await app.page.goBack();
    await app.page.waitForURL((u) => u.origin === app.origins.appOrigin);
    assert.equal(new URL(app.page.url()).origin, app.origins.appOrigin, `back on the app: ${app.page.url()}`);
    const url = new URL(app.page.url());
    assert.equal(url.searchParams.get('auth_error'), null, `no auth_error: ${url.href}`);
    assert.notEqual(url.pathname, '/callback');
    assert.ok(!appRequests.slice(afterSignIn).includes('/callback'), `callback replayed: ${appRequests.join(' ')}`);

    // Still signed in, with the list, and nothing on screen reads as an error.
    await app.signOutButton.waitFor();
    await app.checkbox('Buy milk').waitFor();
    assert.equal(await app.status.getByText(ERRORS).count(), 0, await app.status.innerText());
    assert.equal(await app.page.getByRole('main').getByText(ERRORS).count(), 0);
  });
});

describe('issue 4: back/forward cache re-syncs the session and the list', () => {
  const fx = useUiStack({ bfcache: true });

  test('a todo added in another tab while this page sat in the bfcache is listed when it comes back', async () => {
    const app = await fx.open();
    await countBfcacheRestores(app.page);
    await app.open();
    await app.signIn('alice');
    await app.add('Buy milk');
    await leaveApp(app);

    const other = await fx.openTab(app);
    await other.open();
    await other.checkbox('Buy milk').waitFor();
    await other.add('Added in another tab');
    await other.page.close();

    await backToApp(app);
    await app.checkbox('Added in another tab').waitFor();
    assert.deepEqual(await app.titles(), ['Buy milk', 'Added in another tab']);
    await app.signOutButton.waitFor();
  });

  test('signing out in another tab while this page sat in the bfcache: it comes back signed out, not "expired"', async () => {
    const app = await fx.open();
    await countBfcacheRestores(app.page);
    await app.open();
    await app.signIn('bob');
    await app.add('Bob’s private todo');
    await leaveApp(app);

    const other = await fx.openTab(app);
    await other.open();
    await other.signOutButton.click();
    await other.signInLink.waitFor();
    await other.page.close();

    await backToApp(app);
    await app.signInLink.waitFor();
    await app.status.getByText('You have signed out.').waitFor();
    assert.equal(await app.text('Your session has expired').count(), 0);
    assert.equal(await app.checkbox('Bob’s private todo').count(), 0);
    assert.equal(await app.todoList.count(), 0);
    assert.equal(await app.signOutButton.count(), 0);
  });
});
