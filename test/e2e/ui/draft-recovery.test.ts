/**
 * Issue 4 item 2: "Text typed into 'New todo' survives a recovery redirect". The browser stops
 * the service worker (its memory, tokens included, is gone); the next thing the user does makes
 * the app recover the session, silently in a frame or by a top-level trip to the IdP. Whatever
 * route the recovery takes, the half-typed todo is still in the box afterwards.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { stopServiceWorkers } from '../harness/browser.ts';
import { eventually } from '../harness/fixture.ts';
import { useUiStack } from './ui-fixture.ts';

const DRAFT = 'Pick up the dry cleaning before 6';

/** Main-frame navigation requests from now on, redirect hops included (they commit no page). */
function mainFrameRequests(page: Page): string[] {
  const log: string[] = [];
  page.on('request', (r) => {
    if (r.isNavigationRequest() && r.frame() === page.mainFrame()) log.push(r.url());
  });
  return log;
}

describe('issue 4: the "New todo" draft survives session recovery (IdP on the same site)', () => {
  const fx = useUiStack();

  test('SW stopped, then an action (toggle) recovers the session: the draft stays in the box', async () => {
    const app = await fx.open();
    await app.open();
    await app.signIn('alice');
    await app.add('Water the plants');
    await app.newTodo.fill(DRAFT);

    await stopServiceWorkers(app.page);
    await app.checkbox('Water the plants').check();
    await app.checkbox('Water the plants', true).waitFor();
    await app.settled('Water the plants');

    assert.equal(await app.newTodo.inputValue(), DRAFT);
    // The toggle really reached the API through the recovered session: a reload shows it.
    await app.page.reload();
    await app.checkbox('Water the plants', true).waitFor();
    await app.signOutButton.waitFor();
    assert.equal(await app.newTodo.inputValue(), DRAFT);
  });

  test('SW stopped, then a reload recovers the session: the draft is back in the box', async () => {
    const app = await fx.open();
    await app.open();
    await app.signIn('bob');
    await app.text('Nothing to do yet. Add your first todo above.').waitFor();
    await app.newTodo.fill(DRAFT);

    await stopServiceWorkers(app.page);
    await app.page.reload();
    await app.signOutButton.waitFor();
    await app.newTodo.waitFor();
    assert.equal(await app.newTodo.inputValue(), DRAFT);
    // Still usable: the recovered draft can be added as it is.
    await app.addButton.click();
    await app.settled(DRAFT);
    assert.equal(await app.newTodo.inputValue(), '');
  });
});

describe('issue 4: the "New todo" draft survives a top-level recovery redirect (IdP on another site)', () => {
  // On another site than the IdP the silent frame gets no IdP cookie: recovery must leave the page.
  const fx = useUiStack({ appHost: 'todo-ui.e2e.localhost' });

  test('SW stopped, reload -> the app goes to the IdP and back: the draft is back in the box', async () => {
    const app = await fx.open();
    await app.open();
    await app.signIn('alice');
    await app.newTodo.fill(DRAFT);

    await stopServiceWorkers(app.page);
    const navs = mainFrameRequests(app.page);
    await app.page.reload();
    await eventually(() => (navs.some((u) => new URL(u).origin === app.origins.issuer) ? true : undefined), 'a top-level trip to the IdP');
    await app.page.waitForURL((u) => u.origin === app.origins.appOrigin && u.pathname === '/');
    await app.signOutButton.waitFor();
    await app.newTodo.waitFor();

    assert.equal(await app.newTodo.inputValue(), DRAFT);
    assert.equal(await app.status.getByText(/sign in/i).count(), 0, 'no "sign in again" message');
  });
});
