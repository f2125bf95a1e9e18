import { assert, expect } from '@open-wc/testing';
import { emulateMedia, sendKeys, setViewport } from '@web/test-runner-commands';
import { app, bannerText, checkbox, freshPage, listed, text, until } from './app-fixture.ts';
import { FakeApi } from './fake-api.ts';
import { FakeVault, findRole, rolesNamed, todo, useAppCss } from './helpers.ts';

const OFFLINE = 'You are offline. Changes you make are kept on this device and saved when the connection is back.';

describe('todo-app: the list', () => {
  before(useAppCss);
  beforeEach(freshPage);

  describe('empty list', () => {
    it('is accessible', async () => {
      const el = await app(new FakeVault());
      await listed(el);
      await expect(el).to.be.accessible();
    });

    it('invites the first todo', async () => {
      const el = await app(new FakeVault());
      await listed(el);
      expect(text(el)).to.include('Nothing to do yet. Add your first todo above.');
      assert.exists(await findRole('textbox', 'New todo'));
    });
  });

  describe('list', () => {
    const api = () => new FakeApi([todo('Buy milk'), todo('Call mum'), todo('Pay rent')]);

    it('is accessible', async () => {
      const el = await app(new FakeVault(), api());
      await listed(el);
      await expect(el).to.be.accessible();
    });

    it('is accessible in dark mode', async () => {
      await emulateMedia({ colorScheme: 'dark' });
      try {
        const el = await app(new FakeVault(), api());
        await listed(el);
        await expect(el).to.be.accessible();
      } finally {
        await emulateMedia({ colorScheme: 'light' });
      }
    });

    it('is accessible at phone width (360 px)', async () => {
      await setViewport({ width: 360, height: 740 });
      try {
        const el = await app(new FakeVault(), api());
        await listed(el);
        await expect(el).to.be.accessible();
        expect(document.documentElement.scrollWidth).to.be.at.most(360);
      } finally {
        await setViewport({ width: 800, height: 600 });
      }
    });

    it('shows the signed-in user and Sign out', async () => {
      const el = await app(new FakeVault(), api());
      await listed(el);
      expect(el.querySelector('session-bar .user')!.textContent).to.equal('Alice Example');
      assert.exists(await findRole('button', 'Sign out'));
    });

    it('Enter in New todo adds the todo, clears the box and keeps focus there', async () => {
      const fake = api();
      const el = await app(new FakeVault(), fake);
      await listed(el);
      el.querySelector<HTMLInputElement>('new-todo-form input')!.focus();
      await sendKeys({ type: 'Water plants' });
      await sendKeys({ press: 'Enter' });
      await until(() => fake.todos.length === 4, 'created');
      await until(() => !el.querySelector('.saving'), 'saved');
      expect(await rolesNamed('checkbox')).to.deep.equal(['Buy milk', 'Call mum', 'Pay rent', 'Water plants']);
      expect(el.querySelector<HTMLInputElement>('new-todo-form input')!.value).to.equal('');
      expect(await findRole('textbox', 'New todo')).to.include({ focused: true });
    });

    it('deleting moves focus to the next todo', async () => {
      const el = await app(new FakeVault(), api());
      await listed(el);
      el.querySelector<HTMLButtonElement>('button[aria-label="Delete Call mum"]')!.click();
      await until(() => document.activeElement === checkbox(el, 'Pay rent'), 'focus on Pay rent');
      expect(await rolesNamed('checkbox')).to.deep.equal(['Buy milk', 'Pay rent']);
    });

    it('deleting the last todo moves focus to New todo', async () => {
      const el = await app(new FakeVault(), api());
      await listed(el);
      el.querySelector<HTMLButtonElement>('button[aria-label="Delete Pay rent"]')!.click();
      await until(() => document.activeElement === el.querySelector('new-todo-form input'), 'focus on New todo');
      expect(await rolesNamed('checkbox')).to.deep.equal(['Buy milk', 'Call mum']);
    });

    it('editing saves the new title through the API', async () => {
      const fake = api();
      const el = await app(new FakeVault(), fake);
      await listed(el);
      el.querySelector<HTMLButtonElement>('button[aria-label="Edit Call mum"]')!.click();
      await until(() => document.activeElement?.matches('input.edit') ?? false, 'editing');
      await sendKeys({ type: 'Call dad' });
      await sendKeys({ press: 'Enter' });
      await until(() => fake.todos.some((t) => t.title === 'Call dad'), 'renamed');
      await until(() => !!checkbox(el, 'Call dad'), 'shown');
    });

    it('toggling saves completed through the API', async () => {
      const fake = api();
      const el = await app(new FakeVault(), fake);
      await listed(el);
      checkbox(el, 'Buy milk')!.click();
      await until(() => fake.todos[0]!.completed, 'completed saved');
      expect(await findRole('checkbox', 'Buy milk')).to.include({ checked: true });
    });
  });

  describe('saving', () => {
    async function saving() {
      const fake = new FakeApi([todo('Buy milk')]);
      const el = await app(new FakeVault(), fake);
      await listed(el);
      fake.hold.create = true;
      const form = el.querySelector('new-todo-form')!;
      form.value = 'Water plants';
      await form.updateComplete;
      form.querySelector('button')!.click();
      await until(() => !!el.querySelector('.saving'), 'saving shown');
      return { el, fake };
    }

    it('is accessible', async () => {
      const { el, fake } = await saving();
      await expect(el).to.be.accessible();
      fake.release();
    });

    it('shows the new todo at once, marked Saving…', async () => {
      const { el, fake } = await saving();
      expect(await rolesNamed('checkbox')).to.deep.equal(['Buy milk', 'Water plants']);
      assert.exists(el.querySelector('section[aria-busy=true]'));
      fake.release();
      await until(() => !el.querySelector('.saving'), 'saved');
    });
  });

  describe('API error with Retry', () => {
    /** The API stays down (`fake.down = null` brings it back). */
    async function failed(code: 'server' | 'unreachable' | 'offline') {
      const fake = new FakeApi([todo('Buy milk')]);
      fake.down = code;
      const el = await app(new FakeVault(), fake);
      await until(() => !!el.querySelector('.banner button'), 'Retry shown');
      return { el, fake };
    }

    it('is accessible', async () => {
      await expect((await failed('server')).el).to.be.accessible();
    });

    it('says what went wrong next to Retry', async () => {
      const { el } = await failed('server');
      expect(bannerText(el)).to.deep.equal(['The todo service had a problem. The app keeps trying.']);
      assert.exists(await findRole('button', 'Retry'));
    });

    it('Retry loads the list', async () => {
      const { el, fake } = await failed('server');
      fake.down = null;
      el.querySelector<HTMLButtonElement>('.banner button')!.click();
      await listed(el);
      expect(await rolesNamed('checkbox')).to.deep.equal(['Buy milk']);
      expect(bannerText(el)).to.deep.equal([]);
    });

    it('C6: unreachable says the service is not answering (not that the user is offline)', async () => {
      const { el } = await failed('unreachable');
      expect(bannerText(el)).to.deep.equal(['The todo service is not answering. Your todos will load as soon as it is back.']);
      await expect(el).to.be.accessible();
    });

    it('a fetch that failed offline shows the offline message', async () => {
      const { el } = await failed('offline');
      expect(bannerText(el)[0]).to.equal(OFFLINE);
      await expect(el).to.be.accessible();
    });

    it('coming back online retries at once', async () => {
      const { el, fake } = await failed('unreachable');
      fake.down = null;
      const before = fake.calls.list;
      window.dispatchEvent(new Event('online'));
      // The retry starts in the event itself, not at the next backoff timer.
      expect(fake.calls.list).to.equal(before + 1);
      await listed(el);
      expect(await rolesNamed('checkbox')).to.deep.equal(['Buy milk']);
    });

    it('the page becoming visible retries at once', async () => {
      const { el, fake } = await failed('server');
      fake.down = null;
      const before = fake.calls.list;
      document.dispatchEvent(new Event('visibilitychange'));
      expect(fake.calls.list).to.equal(before + 1);
      await listed(el);
    });

    it('keeps retrying by itself while the API is down (backoff), and loads once it is back', async () => {
      const { el, fake } = await failed('unreachable');
      await until(() => fake.calls.list >= 3, 'two retries without any event');
      expect(el.querySelector('todo-list')).to.equal(null);
      fake.down = null;
      await listed(el);
      expect(await rolesNamed('checkbox')).to.deep.equal(['Buy milk']);
      expect(bannerText(el)).to.deep.equal([]);
    });
  });

  describe('offline', () => {
    it('says so when the browser goes offline, keeping the list', async () => {
      const el = await app(new FakeVault(), new FakeApi([todo('Buy milk')]));
      await listed(el);
      window.dispatchEvent(new Event('offline'));
      await until(() => bannerText(el).length > 0, 'offline banner');
      expect(bannerText(el)).to.deep.equal([OFFLINE]);
      expect(await rolesNamed('checkbox')).to.deep.equal(['Buy milk']);
      await expect(el).to.be.accessible();
      window.dispatchEvent(new Event('online'));
    });
  });

  describe('read-only', () => {
    async function readOnly() {
      const fake = new FakeApi([todo('Buy milk')]);
      fake.failNext.update = 'forbidden';
      const el = await app(new FakeVault(), fake);
      await listed(el);
      checkbox(el, 'Buy milk')!.click();
      await until(() => !!el.querySelector('new-todo-form[disabled]'), 'read-only');
      return el;
    }

    it('is accessible', async () => {
      await expect(await readOnly()).to.be.accessible();
    });

    it('a 403 disables editing and explains why', async () => {
      const el = await readOnly();
      expect(bannerText(el)).to.include('View only: your sign-in allows reading your todos but not changing them.');
      expect(await findRole('textbox', 'New todo')).to.include({ disabled: true });
      expect(await findRole('checkbox', 'Buy milk')).to.include({ disabled: true, checked: false });
    });
  });
});
