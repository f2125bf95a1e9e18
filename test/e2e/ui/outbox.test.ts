/**
 * Issue 9 items 3 and 6, end to end: the Todo API server really stops (its port refuses), the
 * user goes on adding, renaming, ticking off and deleting, reloads the page, and once the API is
 * back every change reaches it once and in order, with nothing shown as saved before it was.
 * What the API holds is read over HTTP with a token of the user's own (api-as-user.ts).
 *
 * Needs the Todo API with versions and Idempotency-Key (the test/stack API branch): against an
 * API without them the changes are still applied once here, but nothing proves a replay is safe.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { eventually } from '../harness/fixture.ts';
import { apiAsUser } from './api-as-user.ts';
import { useUiStack } from './ui-fixture.ts';

const NOT_SAVED = 'Not saved yet, will sync';

describe('issue 9: changes made while the Todo API is down', () => {
  const fx = useUiStack();

  test('adds, renames, toggles and deletes, a reload in between: all applied once, in order, after the API is back', async () => {
    const app = await fx.open();
    await app.open();
    await app.signIn('alice');
    await app.add('Milk');
    await app.add('Eggs');

    await fx.stack.api.stop();
    await app.newTodo.fill('Bread');
    await app.newTodo.press('Enter');
    await app.pending('Bread').getByText(NOT_SAVED).waitFor();
    await app.editButton('Bread').click();
    await app.renameBox('Bread').fill('Rye bread');
    await app.renameBox('Bread').press('Enter');
    await app.checkbox('Milk').check();
    await app.deleteButton('Eggs').click();
    await app.checkbox('Eggs').waitFor({ state: 'detached' });
    await app.newTodo.fill('Jam');
    await app.newTodo.press('Enter');
    for (const t of ['Milk', 'Rye bread', 'Jam']) await app.pending(t).getByText(NOT_SAVED).waitFor();
    await app.status.getByText(/changes are not saved yet/).waitFor();

    await app.page.reload();
    await app.status.getByText('The todo service is not answering. Your todos will load as soon as it is back.').waitFor();
    await app.text('Your 5 changes made here are kept and will sync by themselves.').waitFor();

    await fx.stack.api.start();
    // No click: the page notices by itself that the API is back.
    await app.checkbox('Rye bread').waitFor();
    await app.allSaved();
    assert.deepEqual(await app.titles(), ['Milk', 'Rye bread', 'Jam']);
    await app.checkbox('Milk', true).waitFor();

    // The delete goes last: it first waits out its Undo window.
    const api = await apiAsUser(fx.stack.origins, 'alice');
    const stored = await eventually(async () => {
      const list = await api.list();
      return list.length === 3 ? list : undefined;
    }, 'the delete to reach the API');
    assert.deepEqual(
      stored.map((t) => [t.title, t.completed]),
      [
        ['Milk', true],
        ['Rye bread', false],
        ['Jam', false],
      ],
    );
    // Once each: created once (version 1), then changed once (version 2).
    assert.deepEqual(
      stored.map((t) => t.version),
      [2, 2, 1],
    );
  });

  test('a change shows "Not saved yet, will sync" while the API is down, and is saved once when it is back', async () => {
    const app = await fx.open();
    await app.open();
    await app.signIn('bob');
    await app.text('Nothing to do yet. Add your first todo above.').waitFor();

    await fx.stack.api.stop();
    await app.newTodo.fill('Book the dentist');
    await app.addButton.click();
    await app.pending('Book the dentist').getByText(NOT_SAVED).waitFor();
    assert.equal(await app.newTodo.inputValue(), '');
    assert.equal(await app.text('Saving…').count(), 0);

    await fx.stack.api.start();
    await app.settled('Book the dentist');
    const stored = await (await apiAsUser(fx.stack.origins, 'bob')).list();
    assert.deepEqual(
      stored.map((t) => t.title),
      ['Book the dentist'],
    );
  });

  test('an answer lost after the API applied the add: the retry carries the same Idempotency-Key, one todo', async () => {
    const app = await fx.open();
    await app.open();
    await app.signIn('alice');
    // The SW's request reaches the API (the todo is created), then the connection drops before
    // the answer: to the page, the add failed in a way that may or may not have happened.
    const keys: (string | undefined)[] = [];
    await app.page.context().route(`${fx.stack.origins.apiOrigin}/todos`, async (route) => {
      if (route.request().method() !== 'POST') return route.fallback();
      keys.push(route.request().headers()['idempotency-key']);
      if (keys.length > 1) return route.fallback();
      await route.fetch();
      await route.abort('connectionreset');
    });
    await app.newTodo.fill('Pay the rent');
    await app.newTodo.press('Enter');
    await app.settled('Pay the rent');

    assert.equal(keys.length, 2, 'sent, then sent again');
    assert.ok(keys[0] && keys[0] === keys[1], `one key for both: ${keys.join(', ')}`);
    const stored = (await (await apiAsUser(fx.stack.origins, 'alice')).list()).filter((t) => t.title === 'Pay the rent');
    assert.equal(stored.length, 1, 'created once');
    assert.equal(stored[0]?.version, 1);
  });
});
