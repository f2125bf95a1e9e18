import { assert, expect, fixture, html, oneEvent } from '@open-wc/testing';
import { emulateMedia, sendKeys } from '@web/test-runner-commands';
import '../../src/components/todo-conflict.ts';
import type { TodoConflict } from '../../src/components/todo-conflict.ts';
import type { ConflictView } from '../../src/app/todo-view.ts';
import { axNodes, findRole, useAppCss } from './helpers.ts';

const theirs = { id: 'a', title: 'Oat milk', completed: false, createdAt: 'x', updatedAt: 'x', version: 2 };
const conflict = (mine: ConflictView['mine']): ConflictView => ({
  entry: {
    seq: 7,
    sub: 'alice',
    key: 'k',
    op: { kind: 'update', todoId: 'a', patch: { completed: true } },
    base: 1,
    title: 'Milk',
    notBefore: 0,
    queuedAt: 0,
    conflict: theirs,
  },
  theirs,
  mine,
});

async function card(c: ConflictView): Promise<TodoConflict> {
  return fixture<TodoConflict>(html`<todo-conflict .conflict=${c}></todo-conflict>`);
}

const dd = (el: Element) => [...el.querySelectorAll('dd')].map((d) => d.textContent.replace(/\s+/g, ' ').trim());

describe('todo-conflict', () => {
  before(useAppCss);

  it('is accessible', async () => {
    await expect(await card(conflict({ ...theirs, completed: true }))).to.be.accessible();
  });

  it('is accessible in dark mode', async () => {
    await emulateMedia({ colorScheme: 'dark' });
    try {
      await expect(await card(conflict({ ...theirs, completed: true }))).to.be.accessible();
    } finally {
      await emulateMedia({ colorScheme: 'light' });
    }
  });

  it('shows both versions in words', async () => {
    const el = await card(conflict({ ...theirs, title: 'Soy milk', completed: true }));
    expect(dd(el)).to.deep.equal(['Oat milk, not done', 'Soy milk, done']);
  });

  it('a change that deletes says so', async () => {
    expect(dd(await card(conflict(null)))).to.deep.equal(['Oat milk, not done', 'deleted']);
  });

  it('is a region named after the todo, with "Keep mine" and "Keep theirs"', async () => {
    await card(conflict({ ...theirs, completed: true }));
    const region = (await axNodes()).find((n) => n.role === 'region');
    expect(region?.name).to.equal('“Oat milk” was changed somewhere else');
    assert.exists(await findRole('button', 'Keep mine'));
    assert.exists(await findRole('button', 'Keep theirs'));
  });

  for (const [label, choice] of [
    ['Keep mine', 'mine'],
    ['Keep theirs', 'theirs'],
  ] as const) {
    it(`"${label}" fires resolve-conflict with its choice, from the keyboard too`, async () => {
      const el = await card(conflict({ ...theirs, completed: true }));
      const b = [...el.querySelectorAll('button')].find((x) => x.textContent === label)!;
      b.focus();
      const event = oneEvent(el, 'resolve-conflict');
      await sendKeys({ press: 'Enter' });
      expect((await event).detail).to.deep.equal({ seq: 7, choice });
    });
  }
});
