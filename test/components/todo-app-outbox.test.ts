/**
 * Issue 9 items 3-6 as the user meets them: changes are kept while the API is away and sent by
 * themselves, shown truthfully; conflicts are shown with both versions; a delete can be undone;
 * another tab of the same user follows along. Real IndexedDB, Web Locks and BroadcastChannel.
 */
import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { TodoApp } from '../../src/components/todo-app.ts';
import { addTodo, app, bannerText, button, checkbox, freshPage, listed, pendingText, until } from './app-fixture.ts';
import { FakeApi } from './fake-api.ts';
import { FakeVault, findRole, rolesNamed, todo, useAppCss } from './helpers.ts';

const NOT_SAVED = 'Not saved yet, will sync';

async function rename(el: TodoApp, from: string, to: string, waitShown = true) {
  button(el, `Edit ${from}`)!.click();
  await until(() => document.activeElement?.matches('input.edit') ?? false, 'editing');
  await sendKeys({ type: to });
  await sendKeys({ press: 'Enter' });
  if (waitShown) await until(() => !!checkbox(el, to), `${to} shown`);
}

describe('todo-app: the outbox', () => {
  before(useAppCss);
  beforeEach(freshPage);

  describe('API down', () => {
    async function down() {
      const fake = new FakeApi([todo('Buy milk', { id: 'a', version: 1 })]);
      const el = await app(new FakeVault(), fake);
      await listed(el);
      fake.down = 'unreachable';
      await addTodo(el, 'Water plants');
      await until(() => pendingText(el).includes(NOT_SAVED), 'marked not saved');
      return { el, fake };
    }

    it('is accessible', async () => {
      await expect((await down()).el).to.be.accessible();
    });

    it('accepts the change, says it is not saved yet, and never that it was', async () => {
      const { el, fake } = await down();
      expect(await rolesNamed('checkbox')).to.deep.equal(['Buy milk', 'Water plants']);
      expect(pendingText(el)).to.deep.equal([NOT_SAVED]);
      expect(bannerText(el)).to.deep.equal(['1 change is not saved yet. It is kept on this device and will sync by itself.']);
      expect(fake.titles()).to.deep.equal(['Buy milk']);
    });

    it('sends it by itself when the API is back, once', async () => {
      const { el, fake } = await down();
      fake.down = null;
      await until(() => pendingText(el).length === 0, 'saved');
      expect(fake.titles()).to.deep.equal(['Buy milk', 'Water plants']);
      expect(bannerText(el)).to.deep.equal([]);
    });

    it('adds, renames, toggles and deletes survive a reload and are applied in order, once', async () => {
      const { el, fake } = await down();
      await rename(el, 'Water plants', 'Water the ferns');
      checkbox(el, 'Buy milk')!.click();
      button(el, 'Delete Buy milk')!.click();
      await until(() => !checkbox(el, 'Buy milk'), 'delete shown');
      el.remove();
      const triedBefore = new Set(fake.sent.map((c) => c.key));
      const from = fake.sent.length;
      fake.down = null;
      const again = await app(new FakeVault(), fake);
      await listed(again);
      await until(() => fake.calls.remove === 1 && pendingText(again).length === 0, 'all sent');
      const sent = fake.sent.slice(from).filter((c) => c.method !== 'list');
      expect(sent.map((c) => c.method)).to.deep.equal(['create', 'update', 'update', 'remove']);
      // The add was tried while the API was down: its retry after the reload carries the same key.
      expect(triedBefore.has(sent[0]!.key)).to.equal(true);
      expect(new Set(sent.map((c) => c.key)).size).to.equal(4);
      expect(fake.todos.map((t) => [t.title, t.completed])).to.deep.equal([['Water the ferns', false]]);
      expect(await rolesNamed('checkbox')).to.deep.equal(['Water the ferns']);
    });
  });

  describe('refused for good', () => {
    it('a todo deleted elsewhere: says so plainly and drops the change', async () => {
      const fake = new FakeApi([todo('Buy milk', { id: 'a', version: 1 })]);
      const el = await app(new FakeVault(), fake);
      await listed(el);
      fake.todos = [];
      await rename(el, 'Buy milk', 'Buy oat milk', false);
      await until(() => bannerText(el).length > 0, 'notice');
      expect(bannerText(el)).to.deep.equal(['Could not rename “Buy milk”: it was deleted elsewhere.']);
      expect(await rolesNamed('checkbox')).to.deep.equal([]);
      await expect(el).to.be.accessible();
    });

    it('a change the API refuses (400/422): says so and drops it', async () => {
      const fake = new FakeApi();
      const el = await app(new FakeVault(), fake);
      await listed(el);
      fake.failNext.create = 'invalid';
      await addTodo(el, 'Water plants', false);
      await until(() => bannerText(el).length > 0, 'notice');
      expect(bannerText(el)).to.deep.equal(['Could not add “Water plants”: the todo service refused it. Nothing was changed.']);
      expect(await rolesNamed('checkbox')).to.deep.equal([]);
    });
  });

  describe('conflict (412)', () => {
    async function conflicted() {
      const fake = new FakeApi([todo('Buy milk', { id: 'a', version: 1 })]);
      const el = await app(new FakeVault(), fake);
      await listed(el);
      fake.changeElsewhere('a', { title: 'Buy oat milk' });
      checkbox(el, 'Buy milk')!.click();
      await until(() => !!el.querySelector('todo-conflict'), 'conflict shown');
      return { el, fake };
    }

    it('is accessible', async () => {
      await expect((await conflicted()).el).to.be.accessible();
    });

    it('is announced and shows both versions; the todo says it waits for a choice', async () => {
      const { el } = await conflicted();
      expect(bannerText(el)).to.deep.equal(['“Buy oat milk” was changed somewhere else before your change was saved. Choose which version to keep.']);
      const versions = [...el.querySelectorAll('todo-conflict dd')].map((d) => d.textContent.replace(/\s+/g, ' ').trim());
      expect(versions).to.deep.equal(['Buy oat milk, not done', 'Buy oat milk, done']);
      expect(pendingText(el)).to.deep.equal(['Changed elsewhere: choose a version above']);
    });

    it('"Keep mine" sends the change again against the current version', async () => {
      const { el, fake } = await conflicted();
      button(el, 'Keep mine')!.click();
      await until(() => fake.todos[0]!.completed, 'mine saved');
      const updates = fake.sent.filter((c) => c.method === 'update');
      expect(updates.map((c) => c.ifMatch)).to.deep.equal([1, 2]);
      expect(updates[0]!.key).to.not.equal(updates[1]!.key);
      await until(() => !el.querySelector('todo-conflict') && pendingText(el).length === 0, 'resolved');
      expect(await findRole('checkbox', 'Buy oat milk')).to.include({ checked: true });
      expect(document.activeElement).to.equal(checkbox(el, 'Buy oat milk'));
    });

    it('"Keep theirs" drops the change; focus goes to the todo', async () => {
      const { el, fake } = await conflicted();
      button(el, 'Keep theirs')!.click();
      await until(() => !el.querySelector('todo-conflict'), 'resolved');
      expect(await findRole('checkbox', 'Buy oat milk')).to.include({ checked: false });
      expect(fake.todos[0]).to.include({ completed: false, version: 2 });
      expect(document.activeElement).to.equal(checkbox(el, 'Buy oat milk'));
      expect(bannerText(el)).to.deep.equal([]);
    });
  });

  describe('Undo delete', () => {
    async function deleted() {
      const fake = new FakeApi([todo('Buy milk', { id: 'a' }), todo('Call mum', { id: 'b' })]);
      const el = await app(new FakeVault(), fake);
      await listed(el);
      button(el, 'Delete Buy milk')!.click();
      await until(() => !!button(el, 'Undo'), 'Undo offered');
      return { el, fake };
    }

    it('is accessible', async () => {
      await expect((await deleted()).el).to.be.accessible();
    });

    it('says what was deleted, offers Undo, and moves focus to the next todo', async () => {
      const { el } = await deleted();
      expect(bannerText(el)).to.deep.equal(['Deleted “Buy milk”.']);
      await until(() => document.activeElement === checkbox(el, 'Call mum'), 'focus on the next todo');
    });

    it('Undo brings the todo back, focused, and nothing is left to send', async () => {
      const { el, fake } = await deleted();
      button(el, 'Undo')!.click();
      await until(() => !!checkbox(el, 'Buy milk'), 'back');
      expect(await rolesNamed('checkbox')).to.deep.equal(['Buy milk', 'Call mum']);
      await until(() => document.activeElement === checkbox(el, 'Buy milk'), 'focus on it');
      expect(el.todos!.snapshot.queued).to.equal(0);
      expect(fake.calls.remove).to.equal(0);
    });

    it('after 5 s the Undo goes, the delete is sent, and focus that was on Undo moves to New todo', async () => {
      const { el, fake } = await deleted();
      button(el, 'Undo')!.focus();
      await until(() => !button(el, 'Undo'), 'Undo gone');
      await until(() => document.activeElement === el.querySelector('new-todo-form input'), 'focus on New todo');
      await until(() => fake.titles().join() === 'Call mum', 'deleted at the API');
    });
  });

  describe('two tabs of the same user', () => {
    it('a todo added in one shows in the other without a reload', async () => {
      const fake = new FakeApi();
      const one = await app(new FakeVault(), fake);
      const two = await app(new FakeVault(), fake);
      await listed(one);
      await listed(two);
      await addTodo(one, 'Water plants');
      await until(() => !!checkbox(two, 'Water plants') && pendingText(two).length === 0, 'shown saved in the other tab');
    });

    it('a change queued in one (API down) shows in the other as not saved yet', async () => {
      const fake = new FakeApi([todo('Buy milk', { id: 'a' })]);
      const one = await app(new FakeVault(), fake);
      const two = await app(new FakeVault(), fake);
      await listed(one);
      await listed(two);
      fake.down = 'unreachable';
      await addTodo(one, 'Water plants');
      await until(() => !!checkbox(two, 'Water plants'), 'shown in the other tab');
      await until(() => pendingText(two).includes(NOT_SAVED), 'as not saved yet');
    });
  });
});
