/**
 * The todo app as a user meets it, addressed only by roles and accessible names (issue 4 item 3)
 * and the IdP login form by its labels. Every wait is Playwright's auto-waiting with a generous
 * timeout: a wait that runs out is the failure, never a measured duration.
 */
import type { Locator, Page } from 'playwright-core';
import { DEMO_USERS } from '../../stack/idp/server.ts';
import type { StackOrigins } from '../../stack/ports.ts';
import type { DemoUsername } from '../harness/browser.ts';

/** This machine is slow and noisy: sign-in round trips and SW start-up get plenty of room. */
export const UI_TIMEOUT = 30_000;

const exact = { exact: true } as const;
const PENDING = /^(Saving…|Not saved yet, will sync|Changed elsewhere: choose a version above)$/;

export class TodoPage {
  constructor(
    readonly page: Page,
    readonly origins: StackOrigins,
  ) {
    page.setDefaultTimeout(UI_TIMEOUT);
    page.setDefaultNavigationTimeout(UI_TIMEOUT);
  }

  get signInLink(): Locator {
    return this.page.getByRole('link', { name: 'Sign in', ...exact });
  }
  get signOutButton(): Locator {
    return this.page.getByRole('button', { name: 'Sign out', ...exact });
  }
  get newTodo(): Locator {
    return this.page.getByRole('textbox', { name: 'New todo', ...exact });
  }
  get addButton(): Locator {
    return this.page.getByRole('button', { name: 'Add', ...exact });
  }
  get undoButton(): Locator {
    return this.page.getByRole('button', { name: 'Undo', ...exact });
  }
  button(name: string): Locator {
    return this.page.getByRole('button', { name, ...exact });
  }
  get retryButton(): Locator {
    return this.page.getByRole('button', { name: 'Retry', ...exact });
  }
  /** The polite live region that carries every status message. */
  get status(): Locator {
    return this.page.getByRole('status');
  }
  get todoList(): Locator {
    return this.page.getByRole('list', { name: 'Todos', ...exact });
  }
  checkbox(title: string, checked?: boolean): Locator {
    return this.page.getByRole('checkbox', { name: title, ...exact, ...(checked === undefined ? {} : { checked }) });
  }
  editButton(title: string): Locator {
    return this.page.getByRole('button', { name: `Edit ${title}`, ...exact });
  }
  deleteButton(title: string): Locator {
    return this.page.getByRole('button', { name: `Delete ${title}`, ...exact });
  }
  renameBox(title: string): Locator {
    return this.page.getByRole('textbox', { name: `Rename ${title}`, ...exact });
  }
  /** The page header, where the signed-in person's name is shown. */
  get header(): Locator {
    return this.page.getByRole('banner');
  }
  text(t: string | RegExp): Locator {
    return this.page.getByText(t);
  }

  async open(path = '/'): Promise<void> {
    await this.page.goto(this.origins.appOrigin + path);
  }

  /** From the signed-out screen: "Sign in", the IdP's login form, back to the list. */
  async signIn(user: DemoUsername): Promise<void> {
    const u = DEMO_USERS.find((d) => d.username === user);
    if (!u) throw new Error(`unknown demo user ${user}`);
    await this.signInLink.click();
    await this.page.waitForURL((url) => url.origin === this.origins.issuer);
    await this.page.getByLabel('Username', exact).fill(u.username);
    await this.page.getByLabel('Password', exact).fill(u.password);
    await this.page.getByRole('button', { name: 'Sign in', ...exact }).click();
    await this.page.waitForURL((url) => url.origin === this.origins.appOrigin && url.pathname === '/');
    await this.signOutButton.waitFor();
    await this.header.getByText(u.name, exact).waitFor();
  }

  /** Types into "New todo" and presses Enter (or clicks Add); waits until the API has it. */
  async add(title: string, via: 'enter' | 'click' = 'enter'): Promise<void> {
    await this.newTodo.fill(title);
    if (via === 'enter') await this.newTodo.press('Enter');
    else await this.addButton.click();
    await this.settled(title);
  }

  /** The list item of the todo named `title`. */
  item(title: string): Locator {
    return this.todoList.getByRole('listitem').filter({ has: this.checkbox(title) });
  }

  /** What a todo says while it is not saved ("Saving…", "Not saved yet, will sync", a conflict). */
  pending(title: string): Locator {
    return this.item(title).getByText(PENDING);
  }

  /** Changes show as not saved until the API confirmed them; then the item says nothing more. */
  async settled(title: string): Promise<void> {
    await this.checkbox(title).waitFor();
    await this.pending(title).waitFor({ state: 'detached' });
  }

  /** Every todo is saved: no item says otherwise. */
  async allSaved(): Promise<void> {
    await this.todoList.getByText(PENDING).first().waitFor({ state: 'detached' });
  }

  /** Accessible names of the todo checkboxes, in screen order. */
  async titles(): Promise<string[]> {
    if ((await this.todoList.count()) === 0) return [];
    const boxes = await this.todoList.getByRole('checkbox').all();
    const names: string[] = [];
    for (const b of boxes) names.push(await b.evaluate((el) => (el as HTMLInputElement).labels?.[0]?.innerText.trim() ?? ''));
    return names;
  }

  /** Resolves once `locator` has keyboard focus; throws when it never gets it. */
  async waitForFocus(locator: Locator): Promise<void> {
    const el = await locator.elementHandle();
    await this.page.waitForFunction((e) => e === document.activeElement, el);
    await el.dispose();
  }
}
