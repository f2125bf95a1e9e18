/**
 * Issue 4, end to end: a person signs in through the real IdP, manages todos, reloads, signs out;
 * and what one person keeps is never shown to another. Only what the user sees is asserted.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { useUiStack } from './ui-fixture.ts';

describe('issue 4: todo app in a real browser', () => {
  const fx = useUiStack();

  test('sign in, add, toggle, edit (Enter saves, Escape cancels), delete, reload, sign out', async () => {
    const app = await fx.open();
    await app.open();
    await app.text('Your todos, in one calm place').waitFor();
    await app.signIn('alice');

    // Add: Enter and the Add button both work; the textbox empties and keeps the focus.
    await app.text('Nothing to do yet. Add your first todo above.').waitFor();
    await app.add('Buy milk');
    await app.add('Call the plumber', 'click');
    assert.equal(await app.newTodo.inputValue(), '');
    await app.waitForFocus(app.newTodo);
    assert.deepEqual(await app.titles(), ['Buy milk', 'Call the plumber']);
    await app.text('2 items left').waitFor();

    // Toggle.
    await app.checkbox('Buy milk').check();
    await app.checkbox('Buy milk', true).waitFor();
    await app.settled('Buy milk');
    await app.text('1 item left').waitFor();

    // Edit, saved with Enter.
    await app.editButton('Call the plumber').click();
    await app.renameBox('Call the plumber').fill('Call the electrician');
    await app.renameBox('Call the plumber').press('Enter');
    await app.settled('Call the electrician');
    assert.equal(await app.checkbox('Call the plumber').count(), 0);

    // Edit, cancelled with Escape: the title stays, focus returns to its Edit button.
    await app.editButton('Call the electrician').click();
    await app.renameBox('Call the electrician').fill('Something else entirely');
    await app.renameBox('Call the electrician').press('Escape');
    await app.renameBox('Call the electrician').waitFor({ state: 'detached' });
    await app.waitForFocus(app.editButton('Call the electrician'));
    assert.deepEqual(await app.titles(), ['Buy milk', 'Call the electrician']);

    // Delete: focus moves to the todo that took its place.
    await app.deleteButton('Buy milk').click();
    await app.checkbox('Buy milk').waitFor({ state: 'detached' });
    await app.waitForFocus(app.checkbox('Call the electrician'));
    assert.deepEqual(await app.titles(), ['Call the electrician']);

    // Reload: the data comes back from the API, the session from the service worker.
    await app.add('Water the plants');
    await app.checkbox('Water the plants').check();
    await app.settled('Water the plants');
    await app.page.reload();
    await app.checkbox('Water the plants', true).waitFor();
    await app.checkbox('Call the electrician', false).waitFor();
    await app.signOutButton.waitFor();
    assert.deepEqual(await app.titles(), ['Call the electrician', 'Water the plants']);

    // Sign out: the signed-out screen, with Sign in and no trace of the list.
    await app.signOutButton.click();
    await app.signInLink.waitFor();
    await app.status.getByText('You have signed out.').waitFor();
    await app.text('Your todos, in one calm place').waitFor();
    assert.equal(await app.todoList.count(), 0);
    assert.equal(await app.newTodo.count(), 0);
    assert.equal(await app.signOutButton.count(), 0);
  });

  test('one person never sees another person’s todos (bob after alice, same browser)', async () => {
    const app = await fx.open();
    await app.open();
    await app.signIn('alice');
    await app.add('Alice’s surprise party plan');
    await app.signOutButton.click();
    await app.signInLink.waitFor();

    await app.signIn('bob');
    await app.header.getByText('Bob Example', { exact: true }).waitFor();
    await app.text('Nothing to do yet. Add your first todo above.').waitFor();
    assert.equal(await app.text('Alice’s surprise party plan').count(), 0);
    assert.equal(await app.header.getByText('Alice Example').count(), 0);

    await app.add('Bob’s own todo');
    await app.page.reload();
    await app.checkbox('Bob’s own todo').waitFor();
    assert.deepEqual(await app.titles(), ['Bob’s own todo']);

    // And alice, back in a fresh browser profile, has hers and not bob's.
    const again = await fx.open();
    await again.open();
    await again.signIn('alice');
    await again.checkbox('Alice’s surprise party plan').waitFor();
    const hers = await again.titles();
    assert.ok(hers.includes('Alice’s surprise party plan'), hers.join(', '));
    assert.ok(!hers.includes('Bob’s own todo'), hers.join(', '));
  });
});
