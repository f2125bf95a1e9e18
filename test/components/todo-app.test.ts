import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { emulateMedia, sendKeys, setViewport } from '@web/test-runner-commands';
import type { AuthErrorCode } from '../../sw/protocol.ts';
import { AUTH_ERROR_TEXT } from '../../src/app/messages.ts';
import '../../src/components/todo-app.ts';
import type { TodoApp } from '../../src/components/todo-app.ts';
import { ALICE, FakeApi, FakeVault, findRole, ready, rolesNamed, todo, useAppCss } from './helpers.ts';

async function app(vault: FakeVault | undefined, api: FakeApi = new FakeApi()): Promise<TodoApp> {
  return fixture<TodoApp>(html`<todo-app .vault=${vault} .api=${api}></todo-app>`);
}

const text = (el: Element) => (el.textContent ?? '').replace(/\s+/g, ' ');
const bannerText = (el: Element) => [...el.querySelectorAll('.banner p')].map((p) => p.textContent);
const until = (cond: () => boolean, what: string) => waitUntil(cond, what, { timeout: 10000 });
const listed = (el: TodoApp) => until(() => !!el.querySelector('todo-list'), 'list shown');
const checkbox = (el: Element, title: string) =>
  [...el.querySelectorAll<HTMLInputElement>('input[type=checkbox]')].find((c) => c.labels?.[0]?.textContent?.trim() === title);

describe('todo-app', () => {
  before(useAppCss);
  beforeEach(() => sessionStorage.clear());

  describe('starting', () => {
    it('is accessible', async () => {
      await expect(await app(new FakeVault({ kind: 'starting' }))).to.be.accessible();
    });

    it('says it is starting, with no sign-in controls yet', async () => {
      const el = await app(new FakeVault({ kind: 'starting' }));
      expect(text(el.querySelector('main')!)).to.include('Starting…');
      expect(await rolesNamed('link')).to.not.include('Sign in');
    });

    it('shows starting before the vault is injected', async () => {
      const el = await app(undefined);
      expect(text(el.querySelector('main')!)).to.include('Starting…');
    });
  });

  describe('service workers unavailable', () => {
    it('is accessible', async () => {
      await expect(await app(new FakeVault({ kind: 'unavailable', reason: 'blocked' }))).to.be.accessible();
    });

    it('explains plainly instead of spinning', async () => {
      const el = await app(new FakeVault({ kind: 'unavailable', reason: 'blocked' }));
      expect(text(el)).to.include('private windows');
      expect(el.querySelector('[aria-busy=true]')).to.equal(null);
    });

    it('offers Reload when the worker failed to start', async () => {
      await app(new FakeVault({ kind: 'unavailable', reason: 'failed' }));
      expect(await findRole('button', 'Reload')).to.exist;
    });
  });

  describe('signed out', () => {
    const out = () => new FakeVault(ready({ status: 'signed-out', reason: 'never-signed-in' }));

    it('is accessible', async () => {
      await expect(await app(out())).to.be.accessible();
    });

    it('explains and offers one "Sign in" link from the vault', async () => {
      const el = await app(out());
      expect(await rolesNamed('link')).to.deep.equal(['Sign in']);
      expect(el.querySelector('session-bar a')!.getAttribute('href')).to.equal('/login?returnTo=%2Ftodos%3Ffilter%3Dopen');
      expect(text(el)).to.include('Sign in to see, add and tick off your todos');
    });

    it('does not call the API', async () => {
      const api = new FakeApi();
      await app(out(), api);
      expect(api.calls.list).to.equal(0);
    });
  });

  describe('session expired', () => {
    const expired = () => new FakeVault(ready({ status: 'signed-out', reason: 'session-expired' }));

    it('is accessible', async () => {
      await expect(await app(expired())).to.be.accessible();
    });

    it('says so and offers Sign in (keeping the route)', async () => {
      const el = await app(expired());
      expect(bannerText(el)).to.include('Your session has expired. Sign in again to pick up where you left off.');
      expect(await rolesNamed('link')).to.deep.equal(['Sign in']);
    });

    it('follows a 401 that reached the page', async () => {
      const api = new FakeApi();
      api.failNext.list = 'unauthorized';
      const el = await app(new FakeVault(), api);
      await until(() => !!el.querySelector('session-bar a'), 'Sign in shown');
      expect(bannerText(el)).to.include('Your session has expired. Sign in again to pick up where you left off.');
    });
  });

  describe('auth_error from the callback', () => {
    const codes = Object.keys(AUTH_ERROR_TEXT) as AuthErrorCode[];
    for (const code of codes) {
      it(`shows ${code} as a sentence, accessibly`, async () => {
        const vault = new FakeVault(ready({ status: 'signed-out', reason: 'never-signed-in' }));
        vault.authError = code;
        const el = await app(vault);
        expect(bannerText(el)).to.include(AUTH_ERROR_TEXT[code]);
        expect(text(el)).to.not.include(code);
        await expect(el).to.be.accessible();
      });
    }
  });

  describe('recovering the session', () => {
    const recovering = () => new FakeVault(ready({ status: 'recovering', connection: 'ok' }));

    it('is accessible', async () => {
      await expect(await app(recovering())).to.be.accessible();
    });

    it('shows a skeleton saying the session is being restored', async () => {
      const el = await app(recovering());
      expect(el.querySelector('.skeleton')).to.exist;
      expect(text(el.querySelector('main')!)).to.include('Restoring your session…');
    });

    it('loads the list once the session is back', async () => {
      const vault = recovering();
      const api = new FakeApi([todo('Buy milk')]);
      const el = await app(vault, api);
      vault.emit('status', ready(ALICE));
      await listed(el);
      expect(await rolesNamed('checkbox')).to.deep.equal(['Buy milk']);
    });
  });

  describe('loading', () => {
    it('is accessible', async () => {
      const api = new FakeApi();
      api.hold.list = true;
      await expect(await app(new FakeVault(), api)).to.be.accessible();
    });

    it('shows a skeleton while the list loads', async () => {
      const api = new FakeApi();
      api.hold.list = true;
      const el = await app(new FakeVault(), api);
      expect(el.querySelector('.skeleton')).to.exist;
      expect(text(el.querySelector('main')!)).to.include('Loading your todos…');
    });
  });

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
      expect(await findRole('textbox', 'New todo')).to.exist;
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
      expect(await findRole('button', 'Sign out')).to.exist;
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
      expect(el.querySelector('section[aria-busy=true]')).to.exist;
      fake.release();
      await until(() => !el.querySelector('.saving'), 'saved');
    });
  });

  describe('rolled back', () => {
    it('a failed add disappears, says why, and gives the text back', async () => {
      const fake = new FakeApi([todo('Buy milk')]);
      fake.failNext.create = 'server';
      const el = await app(new FakeVault(), fake);
      await listed(el);
      el.querySelector<HTMLInputElement>('new-todo-form input')!.focus();
      await sendKeys({ type: 'Water plants' });
      await sendKeys({ press: 'Enter' });
      await until(() => bannerText(el).length > 0, 'notice');
      expect(bannerText(el)).to.deep.equal(['Could not add “Water plants”: the todo service had a problem. Nothing was changed.']);
      expect(await rolesNamed('checkbox')).to.deep.equal(['Buy milk']);
      expect(el.querySelector<HTMLInputElement>('new-todo-form input')!.value).to.equal('Water plants');
      await expect(el).to.be.accessible();
    });

    it('a failed toggle is undone', async () => {
      const fake = new FakeApi([todo('Buy milk')]);
      fake.failNext.update = 'unreachable';
      const el = await app(new FakeVault(), fake);
      await listed(el);
      checkbox(el, 'Buy milk')!.click();
      await until(() => bannerText(el).length > 0, 'notice');
      expect(bannerText(el)).to.deep.equal(['Could not update “Buy milk”: the todo service cannot be reached. Nothing was changed.']);
      expect(await findRole('checkbox', 'Buy milk')).to.include({ checked: false });
    });

    it('a failed delete puts the todo back', async () => {
      const fake = new FakeApi([todo('Buy milk'), todo('Call mum')]);
      fake.failNext.remove = 'server';
      const el = await app(new FakeVault(), fake);
      await listed(el);
      el.querySelector<HTMLButtonElement>('button[aria-label="Delete Buy milk"]')!.click();
      await until(() => bannerText(el).length > 0, 'notice');
      expect(await rolesNamed('checkbox')).to.deep.equal(['Buy milk', 'Call mum']);
    });

    it('Dismiss removes the message', async () => {
      const fake = new FakeApi([todo('Buy milk')]);
      fake.failNext.update = 'server';
      const el = await app(new FakeVault(), fake);
      await listed(el);
      checkbox(el, 'Buy milk')!.click();
      await until(() => bannerText(el).length > 0, 'notice');
      el.querySelector<HTMLButtonElement>('.banner button')!.click();
      await until(() => bannerText(el).length === 0, 'dismissed');
    });
  });

  describe('API error with Retry', () => {
    async function failed(code: 'server' | 'unreachable' | 'offline') {
      const fake = new FakeApi([todo('Buy milk')]);
      fake.failNext.list = code;
      const el = await app(new FakeVault(), fake);
      await until(() => !!el.querySelector('.banner button'), 'Retry shown');
      return { el, fake };
    }

    it('is accessible', async () => {
      await expect((await failed('server')).el).to.be.accessible();
    });

    it('says what went wrong next to Retry', async () => {
      const { el } = await failed('server');
      expect(bannerText(el)).to.deep.equal(['The todo service had a problem. Try again in a moment.']);
      expect(await findRole('button', 'Retry')).to.exist;
    });

    it('Retry loads the list', async () => {
      const { el } = await failed('server');
      el.querySelector<HTMLButtonElement>('.banner button')!.click();
      await listed(el);
      expect(await rolesNamed('checkbox')).to.deep.equal(['Buy milk']);
      expect(bannerText(el)).to.deep.equal([]);
    });

    it('unreachable says the service cannot be reached', async () => {
      const { el } = await failed('unreachable');
      expect(bannerText(el)).to.deep.equal(['The todo service cannot be reached right now. Check your connection, then try again.']);
      await expect(el).to.be.accessible();
    });

    it('a fetch that failed offline shows the offline message', async () => {
      const { el } = await failed('offline');
      expect(bannerText(el)[0]).to.equal('You are offline. Changes cannot be saved until the connection is back.');
      await expect(el).to.be.accessible();
    });

    it('coming back online retries by itself', async () => {
      const { el } = await failed('unreachable');
      window.dispatchEvent(new Event('online'));
      await listed(el);
      expect(await rolesNamed('checkbox')).to.deep.equal(['Buy milk']);
    });
  });

  describe('offline', () => {
    it('says so when the browser goes offline, keeping the list', async () => {
      const el = await app(new FakeVault(), new FakeApi([todo('Buy milk')]));
      await listed(el);
      window.dispatchEvent(new Event('offline'));
      await until(() => bannerText(el).length > 0, 'offline banner');
      expect(bannerText(el)).to.deep.equal(['You are offline. Changes cannot be saved until the connection is back.']);
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

  describe('update available', () => {
    it('is accessible', async () => {
      const vault = new FakeVault();
      const el = await app(vault);
      vault.emit('updateAvailable', undefined);
      await until(() => bannerText(el).length > 0, 'banner');
      await expect(el).to.be.accessible();
    });

    it('"Reload to update" asks the vault to apply the update', async () => {
      const vault = new FakeVault();
      const el = await app(vault);
      vault.emit('updateAvailable', undefined);
      await until(() => !!el.querySelector('.banner button'), 'button');
      expect(await findRole('button', 'Reload to update')).to.exist;
      el.querySelector<HTMLButtonElement>('.banner button')!.click();
      expect(vault.updateCalls).to.equal(1);
    });
  });

  describe('signing out', () => {
    it('Sign out asks the vault and shows progress', async () => {
      const vault = new FakeVault();
      const el = await app(vault);
      await listed(el);
      el.querySelector<HTMLButtonElement>('session-bar button')!.click();
      await until(() => text(el).includes('Signing you out…'), 'progress');
      expect(vault.signOutCalls).to.equal(1);
      await expect(el).to.be.accessible();
    });

    it('a failed sign-out says so and keeps the user signed in', async () => {
      const vault = new FakeVault();
      vault.signOutError = new Error('timeout');
      const el = await app(vault);
      await listed(el);
      el.querySelector<HTMLButtonElement>('session-bar button')!.click();
      await until(() => bannerText(el).length > 0, 'message');
      expect(bannerText(el)).to.deep.equal(['Signing out did not work. Please try again.']);
      expect(await findRole('button', 'Sign out')).to.exist;
    });

    it('sign-out in another tab shows signed out without a reload', async () => {
      const vault = new FakeVault();
      const el = await app(vault, new FakeApi([todo('Buy milk')]));
      await listed(el);
      vault.emit('status', ready({ status: 'signed-out', reason: 'signed-out' }));
      await until(() => !el.querySelector('todo-list'), 'list gone');
      expect(await rolesNamed('link')).to.deep.equal(['Sign in']);
      expect(await rolesNamed('checkbox')).to.deep.equal([]);
    });
  });

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
      fake.todos.push({ ...todo('Added elsewhere') });
      const shown = oneEvent(window, 'pageshow');
      window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }));
      await shown;
      await until(() => !!checkbox(el, 'Added elsewhere'), 're-synced');
      expect(fake.calls.list).to.equal(2);
    });
  });
});
