import { expect, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { app, checkbox, freshPage, listed, until } from './app-fixture.ts';
import { FakeApi } from './fake-api.ts';
import { ALICE, FakeVault, ready, todo, useAppCss } from './helpers.ts';

describe('todo-app: what survives', () => {
  before(useAppCss);
  beforeEach(freshPage);

  describe('draft and re-sync', () => {
    it('text typed into New todo survives a silent recovery', async () => {
      const vault = new FakeVault();
      const el = await app(vault, new FakeApi([todo('Buy milk')]));
      await listed(el);
      el.querySelector<HTMLInputElement>('new-todo-form input')!.focus();
      await sendKeys({ type: 'Half a thought' });
      vault.emit('status', ready({ status: 'recovering', connection: 'ok' }));
      vault.emit('status', ready(ALICE));
      await el.updateComplete;
      expect(el.querySelector<HTMLInputElement>('new-todo-form input')!.value).to.equal('Half a thought');
    });

    it('text typed into New todo survives a top-level redirect (a new page load)', async () => {
      const first = await app(new FakeVault());
      await listed(first);
      first.querySelector<HTMLInputElement>('new-todo-form input')!.focus();
      await sendKeys({ type: 'Half a thought' });
      first.remove();
      const second = await app(new FakeVault());
      await listed(second);
      expect(second.querySelector<HTMLInputElement>('new-todo-form input')!.value).to.equal('Half a thought');
    });

    it('another user signing in drops the previous list and draft', async () => {
      const vault = new FakeVault();
      const fake = new FakeApi([todo('Alice only')]);
      const el = await app(vault, fake);
      await listed(el);
      el.querySelector<HTMLInputElement>('new-todo-form input')!.focus();
      await sendKeys({ type: 'private' });
      fake.todos = [];
      vault.emit('userChanged', { previousSub: 'alice-sub', sub: 'bob-sub' });
      await until(() => !!el.querySelector('.empty'), 'empty list for bob');
      expect(el.querySelector<HTMLInputElement>('new-todo-form input')!.value).to.equal('');
    });

    it('returning from the back/forward cache reloads the list', async () => {
      const fake = new FakeApi([todo('Buy milk')]);
      const el = await app(new FakeVault(), fake);
      await listed(el);
      fake.todos.push({ ...todo('Added elsewhere'), version: 1 });
      const shown = oneEvent(window, 'pageshow');
      window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }));
      await shown;
      await until(() => !!checkbox(el, 'Added elsewhere'), 're-synced');
      expect(fake.calls.list).to.equal(2);
    });
  });
});
