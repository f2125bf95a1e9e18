/** A fresh profile on the fixture's app, its policy violations watched from the start, signed in through the UI. */
import type { BrowserContext, Page } from 'playwright-core';
import type { DemoUsername } from '../harness/browser.ts';
import { watchPolicies, type PolicyWatch } from '../harness/csp-watch.ts';
import type { Fixture } from '../harness/fixture.ts';
import { TodoPage } from '../ui/todo-page.ts';

export interface SignedIn {
  readonly ctx: BrowserContext;
  readonly page: Page;
  readonly app: TodoPage;
  readonly watch: PolicyWatch;
}

export async function signedIn(f: Fixture, user: DemoUsername = 'alice'): Promise<SignedIn> {
  const { ctx, page } = await f.page();
  const watch = await watchPolicies(ctx);
  const app = new TodoPage(page, f.stack.origins);
  await app.open();
  await app.signIn(user);
  return { ctx, page, app, watch };
}
