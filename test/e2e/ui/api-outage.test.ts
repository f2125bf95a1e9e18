/**
 * Issues 4 and 9, end to end: the Todo API goes away and comes back. The user sees why the list
 * is missing (the service, not the network) and a Retry that works once the API is back. The
 * API server really stops (its port refuses). Changes made during an outage: outbox.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { useUiStack } from './ui-fixture.ts';

const UNREACHABLE = 'The todo service is not answering. Your todos will load as soon as it is back.';

describe('issue 4: the Todo API is down, then back', () => {
  const fx = useUiStack();

  test('API down -> an error with Retry; API back on the same port -> the list comes by itself', async () => {
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

    // Back: no click needed (issue 9 item 6), the page's own retries find it.
    await fx.stack.api.start();
    await app.checkbox('Renew passport').waitFor();
    await app.retryButton.waitFor({ state: 'detached' });
    assert.equal(await app.status.getByText(UNREACHABLE).count(), 0);
    assert.deepEqual(await app.titles(), ['Renew passport']);
    await app.newTodo.waitFor();
  });
});
