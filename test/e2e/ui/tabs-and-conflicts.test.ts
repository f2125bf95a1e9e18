/**
 * Issue 9 items 4-6, end to end: two tabs of the same user agree without a reload; a change
 * made on a version that another device changed meanwhile (a stale If-Match, answered 412) is
 * shown with both versions and the user chooses; a delete can be undone for 5 s.
 *
 * The conflict test needs the Todo API with versions and If-Match (the test/stack API branch).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DemoUsername } from '../harness/browser.ts';
import { eventually } from '../harness/fixture.ts';
import { apiAsUser } from './api-as-user.ts';
import { useUiStack } from './ui-fixture.ts';

describe('issue 9: tabs, conflicts and Undo', () => {
  const fx = useUiStack();

  test('two tabs: a todo added in one shows in the other within 1 s, without a reload', async () => {
    const one = await fx.open();
    await one.open();
    await one.signIn('alice');
    const two = await fx.openTab(one);
    await two.open();
    await two.signOutButton.waitFor();
    await two.text('Nothing to do yet. Add your first todo above.').waitFor();

    await one.add('Call the plumber');
    await two.checkbox('Call the plumber').waitFor({ timeout: 1_000 });
    await two.settled('Call the plumber');

    await two.checkbox('Call the plumber').check();
    await one.checkbox('Call the plumber', true).waitFor({ timeout: 1_000 });
  });

  /** The page shows "Milk" at version 1; then another device of the same user changes it. */
  async function changedElsewhere(user: DemoUsername, change: { title?: string; completed?: boolean }) {
    const app = await fx.open();
    await app.open();
    await app.signIn(user);
    await app.add('Milk');
    const elsewhere = await apiAsUser(fx.stack.origins, user);
    const milk = (await elsewhere.list()).find((t) => t.title === 'Milk');
    assert.ok(milk);
    await elsewhere.patch(milk.id, change);
    return { app, elsewhere, milk };
  }

  test('a stale If-Match (changed on another device meanwhile): the conflict is shown with both versions; Keep mine', async () => {
    const { app, elsewhere, milk } = await changedElsewhere('alice', { title: 'Oat milk' });

    // This page still shows version 1: ticking it off sends If-Match "1".
    await app.checkbox('Milk').check();
    const conflict = app.page.getByRole('region', { name: '“Oat milk” was changed somewhere else' });
    await conflict.waitFor();
    await app.status.getByText('“Oat milk” was changed somewhere else before your change was saved. Choose which version to keep.').waitFor();
    assert.deepEqual(await conflict.locator('dd').allInnerTexts(), ['Oat milk, not done', 'Oat milk, done']);

    await conflict.getByRole('button', { name: 'Keep mine', exact: true }).click();
    await conflict.waitFor({ state: 'detached' });
    await app.settled('Oat milk');
    await app.checkbox('Oat milk', true).waitFor();
    const stored = (await elsewhere.list()).find((t) => t.id === milk.id);
    assert.deepEqual([stored?.title, stored?.completed, stored?.version], ['Oat milk', true, 3]);
  });

  test('a stale If-Match: Keep theirs drops mine and nothing is sent', async () => {
    const { app, elsewhere, milk } = await changedElsewhere('bob', { completed: true });

    await app.editButton('Milk').click();
    await app.renameBox('Milk').fill('Soy milk');
    await app.renameBox('Milk').press('Enter');
    await app.button('Keep theirs').click();
    await app.checkbox('Milk', true).waitFor();
    await app.settled('Milk');
    const stored = (await elsewhere.list()).find((t) => t.id === milk.id);
    assert.deepEqual([stored?.title, stored?.completed, stored?.version], ['Milk', true, 2]);
  });

  test('delete offers Undo for 5 s: Undo keeps the todo (also after a reload); without Undo it is deleted', async () => {
    const app = await fx.open();
    await app.open();
    await app.signIn('bob');
    await app.add('Keep me');
    await app.add('Lose me');

    await app.deleteButton('Keep me').click();
    await app.status.getByText('Deleted “Keep me”.').waitFor();
    // Focus went somewhere safe: the todo that took its place.
    await app.waitForFocus(app.checkbox('Lose me'));
    await app.undoButton.click();
    await app.checkbox('Keep me').waitFor();
    await app.waitForFocus(app.checkbox('Keep me'));

    await app.deleteButton('Lose me').click();
    await app.undoButton.waitFor();
    await app.undoButton.waitFor({ state: 'detached', timeout: 10_000 });
    await app.page.reload();
    await app.checkbox('Keep me').waitFor();
    assert.equal(await app.checkbox('Lose me').count(), 0);
    // The reloaded page sends the delete once its Undo window is over.
    const api = await apiAsUser(fx.stack.origins, 'bob');
    const stored = await eventually(async () => {
      const list = await api.list();
      return list.some((t) => t.title === 'Lose me') ? undefined : list;
    }, 'the delete to reach the API');
    assert.ok(stored.some((t) => t.title === 'Keep me'));
  });
});
