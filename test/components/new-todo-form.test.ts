import { assert, expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/components/new-todo-form.ts';
import type { NewTodoForm } from '../../src/components/new-todo-form.ts';
import { findRole, useAppCss } from './helpers.ts';

function form(value = '', disabled = false): Promise<NewTodoForm> {
  return fixture<NewTodoForm>(html`<new-todo-form .value=${value} ?disabled=${disabled}></new-todo-form>`);
}

const input = (el: Element) => el.querySelector('input')!;

describe('new-todo-form', () => {
  before(useAppCss);

  describe('empty', () => {
    it('is accessible', async () => {
      await expect(await form()).to.be.accessible();
    });

    it('has a textbox "New todo" and a button "Add"', async () => {
      await form();
      assert.exists(await findRole('textbox', 'New todo'));
      assert.exists(await findRole('button', 'Add'));
    });

    it('Enter fires add-todo with the trimmed title', async () => {
      const el = await form();
      input(el).focus();
      await sendKeys({ type: '  Buy milk  ' });
      const event = oneEvent(el, 'add-todo');
      await sendKeys({ press: 'Enter' });
      expect((await event).detail).to.deep.equal({ title: 'Buy milk' });
    });

    it('clicking Add fires add-todo and puts focus back in New todo', async () => {
      const el = await form('Call mum');
      const event = oneEvent(el, 'add-todo');
      el.querySelector('button')!.click();
      expect((await event).detail).to.deep.equal({ title: 'Call mum' });
      expect(document.activeElement).to.equal(input(el));
    });

    it('does not fire add-todo for a blank title', async () => {
      const el = await form();
      let fired = 0;
      el.addEventListener('add-todo', () => fired++);
      input(el).focus();
      await sendKeys({ type: '   ' });
      await sendKeys({ press: 'Enter' });
      expect(fired).to.equal(0);
    });

    it('fires draft-change as the user types', async () => {
      const el = await form();
      input(el).focus();
      const event = oneEvent(el, 'draft-change');
      await sendKeys({ type: 'B' });
      expect((await event).detail).to.deep.equal({ value: 'B' });
    });
  });

  describe('with a draft', () => {
    it('is accessible', async () => {
      await expect(await form('Half-typed todo')).to.be.accessible();
    });

    it('shows the draft in New todo', async () => {
      const el = await form('Half-typed todo');
      expect(input(el).value).to.equal('Half-typed todo');
    });
  });

  describe('disabled (read-only)', () => {
    it('is accessible', async () => {
      await expect(await form('', true)).to.be.accessible();
    });

    it('disables New todo and Add', async () => {
      await form('', true);
      expect(await findRole('textbox', 'New todo')).to.include({ disabled: true });
      expect(await findRole('button', 'Add')).to.include({ disabled: true });
    });
  });
});
