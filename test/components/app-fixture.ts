/** Mounting `<todo-app>` with fakes of the vault and the API, and reading it as a user would. */
import { fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/components/todo-app.ts';
import type { TodoApp } from '../../src/components/todo-app.ts';
import { OUTBOX_DB } from '../../src/app/outbox-store.ts';
import { FakeApi } from './fake-api.ts';
import { deleteDatabase, type FakeVault } from './helpers.ts';

export async function app(vault: FakeVault | undefined, api: FakeApi = new FakeApi()): Promise<TodoApp> {
  return fixture<TodoApp>(html`<todo-app .vault=${vault} .api=${api}></todo-app>`);
}

/** Every test starts with no draft and an empty outbox (the real IndexedDB database). */
export async function freshPage(): Promise<void> {
  sessionStorage.clear();
  await deleteDatabase(OUTBOX_DB);
}

export const text = (el: Element) => el.textContent.replace(/\s+/g, ' ');
export const bannerText = (el: Element) => [...el.querySelectorAll('.banner p')].map((p) => p.textContent);
export const until = (cond: () => boolean, what: string) => waitUntil(cond, what, { timeout: 10000 });
export const listed = (el: TodoApp) => until(() => !!el.querySelector('todo-list'), 'list shown');
export const checkbox = (el: Element, title: string) =>
  [...el.querySelectorAll<HTMLInputElement>('input[type=checkbox]')].find((c) => c.labels?.[0]?.textContent.trim() === title);
export const button = (el: Element, name: string) =>
  [...el.querySelectorAll<HTMLButtonElement>('button')].find((b) => (b.getAttribute('aria-label') ?? b.textContent.trim()) === name);
/** What each todo says about itself besides its title ("Saving…", "Not saved yet, will sync"). */
export const pendingText = (el: Element) => [...el.querySelectorAll('.todo .pending')].map((p) => p.textContent);

/** Types into "New todo" and presses Add; waits until the todo shows, unless told not to. */
export async function addTodo(el: TodoApp, title: string, waitShown = true): Promise<void> {
  const form = el.querySelector('new-todo-form')!;
  form.value = title;
  await form.updateComplete;
  form.querySelector<HTMLButtonElement>('button')!.click();
  if (waitShown) await until(() => !!checkbox(el, title), `${title} shown`);
}
