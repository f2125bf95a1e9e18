import { expect, fixture, html } from '@open-wc/testing';
import '../../src/components/todo-list.ts';
import type { TodoList } from '../../src/components/todo-list.ts';
import type { TodoView } from '../../src/app/todo-view.ts';
import { findRole, rolesNamed, todo, useAppCss } from './helpers.ts';

function list(todos: TodoView[], readOnly = false): Promise<TodoList> {
  return fixture<TodoList>(html`<todo-list .todos=${todos} ?read-only=${readOnly}></todo-list>`);
}

const three = () => [todo('Buy milk'), todo('Call mum', { completed: true }), todo('Pay rent')];

describe('todo-list', () => {
  before(useAppCss);

  describe('empty', () => {
    it('is accessible', async () => {
      await expect(await list([])).to.be.accessible();
    });

    it('invites adding the first todo', async () => {
      const el = await list([]);
      expect(el.querySelector('.empty')!.textContent).to.equal('Nothing to do yet. Add your first todo above.');
    });
  });

  describe('empty and read-only', () => {
    it('is accessible', async () => {
      await expect(await list([], true)).to.be.accessible();
    });

    it('does not invite adding', async () => {
      const el = await list([], true);
      expect(el.querySelector('.empty')!.textContent).to.equal('No todos here yet.');
    });
  });

  describe('with todos', () => {
    it('is accessible', async () => {
      await expect(await list(three())).to.be.accessible();
    });

    it('has one checkbox per todo, labelled by its title', async () => {
      await list(three());
      expect(await rolesNamed('checkbox')).to.deep.equal(['Buy milk', 'Call mum', 'Pay rent']);
    });

    it('counts the items left', async () => {
      const el = await list(three());
      expect(el.querySelector('.count')!.textContent).to.equal('2 items left');
    });

    it('focusAt moves focus to the checkbox at that index', async () => {
      const el = await list(three());
      expect(await el.focusAt(1)).to.equal(true);
      expect(await findRole('checkbox', 'Call mum')).to.include({ focused: true });
    });

    it('focusAt past the end reports false', async () => {
      const el = await list(three());
      expect(await el.focusAt(3)).to.equal(false);
    });
  });

  describe('read-only with todos', () => {
    it('is accessible', async () => {
      await expect(await list(three(), true)).to.be.accessible();
    });

    it('disables every checkbox', async () => {
      await list(three(), true);
      for (const title of ['Buy milk', 'Call mum', 'Pay rent']) {
        expect(await findRole('checkbox', title)).to.include({ disabled: true });
      }
    });
  });
});
