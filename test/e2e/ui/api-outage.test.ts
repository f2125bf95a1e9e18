/**
 * Issue 4, end to end: the Todo API goes away and comes back. The user sees why the list is
 * missing and a Retry that works once the API is back; a change made during the outage is
 * rolled back with a sentence saying so. The API server really stops (its port refuses).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { useUiStack } from './ui-fixture.ts';

const UNREACHABLE = 'The todo service cannot be reached right now. Check your connection, then try again.';

describe('issue 4: the Todo API is down, then back', () => {
  const fx = useUiStack();

  test('API down -> an error with Retry; API back on the same port -> Retry shows the list', async () => {
    const app = await fx.open();
    await app.open();
    await app.signIn('alice');
    await app.add('Renew passport');

    await fx.stack.api.stop();
    await app.page.reload();
    await app.status.getByText(UNREACHABLE).waitFor();
    await app.retryButton.waitFor();
    await app.text('Your todos could not be loaded.').waitFor();
    assert.equal(await app.todoList.count(), 0);
    // Still signed in: only the list is missing.
    await app.signOutButton.waitFor();

    // Retry while the API is still down: the same explanation, still a Retry.
    await app.retryButton.click();
    await app.status.getByText(UNREACHABLE).waitFor();
    await app.retryButton.waitFor();

    await fx.stack.api.start();
    await app.retryButton.click();
    await app.checkbox('Renew passport').waitFor();
    await app.retryButton.waitFor({ state: 'detached' });
    assert.equal(await app.status.getByText(UNREACHABLE).count(), 0);
    assert.deepEqual(await app.titles(), ['Renew passport']);
    await app.newTodo.waitFor();
  });

  test('a todo added while the API is down is taken back with a message, and the typed text is kept', async () => {
    const app = await fx.open();
    await app.open();
    await app.signIn('bob');
    await app.text('Nothing to do yet. Add your first todo above.').waitFor();

    await fx.stack.api.stop();
    await app.newTodo.fill('Book the dentist');
    await app.addButton.click();
    await app.status
      .getByText('Could not add “Book the dentist”: the todo service cannot be reached. Nothing was changed.')
      .waitFor();
    await app.checkbox('Book the dentist').waitFor({ state: 'detached' });
    assert.equal(await app.newTodo.inputValue(), 'Book the dentist');

    await fx.stack.api.start();
    await app.page.getByRole('button', { name: 'Dismiss', exact: true }).click();
    await app.addButton.click();
    await app.settled('Book the dentist');
    assert.deepEqual(await app.titles(), ['Book the dentist']);
  });
});
