import { assert, expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/components/todo-item.ts';
import type { TodoItem } from '../../src/components/todo-item.ts';
import type { TodoView } from '../../src/app/todo-view.ts';
import { findRole, todo, useAppCss } from './helpers.ts';

async function item(t: TodoView, readOnly = false): Promise<TodoItem> {
  return fixture<TodoItem>(html`<todo-item .todo=${t} ?read-only=${readOnly}></todo-item>`);
}

/** The element `sel` finds, checked to be a `type` (a wrong selector fails here, by name). */
function q<T extends Element>(el: Element, sel: string, type: abstract new () => T): T {
  const found = el.querySelector(sel);
  if (!(found instanceof type)) throw new Error(`no ${type.name} at ${sel}`);
  return found;
}

describe('todo-item', () => {
  before(useAppCss);

  describe('open todo', () => {
    it('is accessible', async () => {
      await expect(await item(todo('Buy milk'))).to.be.accessible();
    });

    it('has a checkbox named by its title, and Edit / Delete buttons naming it', async () => {
      await item(todo('Buy milk'));
      expect(await findRole('checkbox', 'Buy milk')).to.include({ checked: false });
      assert.exists(await findRole('button', 'Edit Buy milk'));
      assert.exists(await findRole('button', 'Delete Buy milk'));
    });

    it('fires toggle-todo when the checkbox is clicked', async () => {
      const t = todo('Buy milk');
      const el = await item(t);
      const event = oneEvent(el, 'toggle-todo');
      q(el, 'input[type=checkbox]', HTMLInputElement).click();
      expect((await event).detail).to.deep.equal({ id: t.id, completed: true });
    });

    it('fires toggle-todo from the keyboard (Space on the checkbox)', async () => {
      const t = todo('Buy milk');
      const el = await item(t);
      el.focusCheckbox();
      const event = oneEvent(el, 'toggle-todo');
      await sendKeys({ press: 'Space' });
      expect((await event).detail).to.deep.equal({ id: t.id, completed: true });
    });

    it('fires delete-todo from "Delete <title>"', async () => {
      const t = todo('Buy milk');
      const el = await item(t);
      const event = oneEvent(el, 'delete-todo');
      q(el, 'button[aria-label="Delete Buy milk"]', HTMLButtonElement).click();
      expect((await event).detail).to.deep.equal({ id: t.id });
    });
  });

  describe('completed todo', () => {
    it('is accessible', async () => {
      await expect(await item(todo('Water plants', { completed: true }))).to.be.accessible();
    });

    it('shows a checked checkbox', async () => {
      await item(todo('Water plants', { completed: true }));
      expect(await findRole('checkbox', 'Water plants')).to.include({ checked: true });
    });

    it('fires toggle-todo with completed false when unchecked', async () => {
      const t = todo('Water plants', { completed: true });
      const el = await item(t);
      const event = oneEvent(el, 'toggle-todo');
      q(el, 'input[type=checkbox]', HTMLInputElement).click();
      expect((await event).detail).to.deep.equal({ id: t.id, completed: false });
    });
  });

  describe('not saved yet', () => {
    const states = [
      ['saving', 'Saving…'],
      ['queued', 'Not saved yet, will sync'],
      ['conflict', 'Changed elsewhere: choose a version above'],
    ] as const;
    for (const [pending, words] of states) {
      it(`${pending}: says "${words}", accessibly`, async () => {
        const el = await item(todo('Call mum', { pending }));
        expect(q(el, '.pending', Element).textContent).to.equal(words);
        await expect(el).to.be.accessible();
      });
    }

    it('a saved todo says nothing extra', async () => {
      const el = await item(todo('Call mum'));
      expect(el.querySelector('.pending')).to.equal(null);
    });

    it('a just-added todo can be changed at once (the change follows its create in the outbox)', async () => {
      // Not on the server yet, so it has no version.
      const { version: _, ...unsaved } = todo('Call mum', { id: 'pending-1', pending: 'queued' });
      await item(unsaved);
      expect(await findRole('checkbox', 'Call mum')).to.not.include({ disabled: true });
      expect(await findRole('button', 'Delete Call mum')).to.not.include({ disabled: true });
    });

    it('keeps a rename being typed when the todo gets its server id (same key)', async () => {
      const t = todo('Call mum', { id: 'pending-1', key: 'pending-1', pending: 'saving' });
      const el = await item(t);
      q(el, 'button[aria-label="Edit Call mum"]', HTMLButtonElement).click();
      await el.updateComplete;
      el.todo = { ...t, id: 's1', version: 1, pending: 'saved' };
      await el.updateComplete;
      assert.exists(el.querySelector('input.edit'));
    });
  });

  describe('read-only', () => {
    it('is accessible', async () => {
      await expect(await item(todo('Pay rent'), true)).to.be.accessible();
    });

    it('disables the checkbox, Edit and Delete', async () => {
      await item(todo('Pay rent'), true);
      expect(await findRole('checkbox', 'Pay rent')).to.include({ disabled: true });
      expect(await findRole('button', 'Edit Pay rent')).to.include({ disabled: true });
      expect(await findRole('button', 'Delete Pay rent')).to.include({ disabled: true });
    });
  });

  describe('editing', () => {
    async function editing(t: TodoView): Promise<TodoItem> {
      const el = await item(t);
      q(el, `button[aria-label="Edit ${t.title}"]`, HTMLButtonElement).click();
      await el.updateComplete;
      await el.updateComplete;
      return el;
    }

    it('is accessible', async () => {
      await expect(await editing(todo('Buy milk'))).to.be.accessible();
    });

    it('moves focus into the title textbox', async () => {
      const el = await editing(todo('Buy milk'));
      expect(document.activeElement).to.equal(q(el, 'input.edit', Element));
      expect(await findRole('textbox', 'Rename Buy milk')).to.include({ focused: true });
    });

    it('Enter saves the new title as edit-todo', async () => {
      const t = todo('Buy milk');
      const el = await editing(t);
      await sendKeys({ press: 'End' });
      await sendKeys({ type: ' and eggs' });
      const event = oneEvent(el, 'edit-todo');
      await sendKeys({ press: 'Enter' });
      expect((await event).detail).to.deep.equal({ id: t.id, title: 'Buy milk and eggs' });
    });

    it('Enter returns focus to "Edit <title>"', async () => {
      const el = await editing(todo('Buy milk'));
      await sendKeys({ type: 'Buy oat milk' });
      await sendKeys({ press: 'Enter' });
      await el.updateComplete;
      expect(document.activeElement?.getAttribute('aria-label')).to.equal('Edit Buy milk');
    });

    it('Escape cancels without firing edit-todo and returns focus to "Edit <title>"', async () => {
      const el = await editing(todo('Buy milk'));
      let fired = 0;
      el.addEventListener('edit-todo', () => fired++);
      await sendKeys({ type: 'Something else' });
      await sendKeys({ press: 'Escape' });
      await el.updateComplete;
      expect(fired).to.equal(0);
      expect(q(el, '.title', Element).textContent).to.equal('Buy milk');
      expect(document.activeElement?.getAttribute('aria-label')).to.equal('Edit Buy milk');
    });

    it('a blank title cancels instead of saving', async () => {
      const el = await editing(todo('Buy milk'));
      let fired = 0;
      el.addEventListener('edit-todo', () => fired++);
      await sendKeys({ press: 'Backspace' });
      await sendKeys({ press: 'Enter' });
      await el.updateComplete;
      expect(fired).to.equal(0);
      expect(q(el, '.title', Element).textContent).to.equal('Buy milk');
    });
  });
});
