/**
 * Issue 9, "also seen by a new user": the address bar keeps neither the stray `#` the SW's
 * redirects end with after sign-in, nor the `?state=` of the IdP's post-logout redirect.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { useUiStack } from './ui-fixture.ts';

describe('issue 9: a clean address bar', () => {
  const fx = useUiStack();

  // The page cleans its address before it renders anything, so once the screen shows, it is clean.
  test('no "#" after sign-in, no "?state=" after sign-out', async () => {
    const app = await fx.open();
    await app.open('/');
    await app.signIn('alice');
    assert.equal(app.page.url(), `${app.origins.appOrigin}/`);

    await app.signOutButton.click();
    await app.signInLink.waitFor();
    await app.status.getByText('You have signed out.').waitFor();
    assert.equal(app.page.url(), `${app.origins.appOrigin}/`);
  });
});
