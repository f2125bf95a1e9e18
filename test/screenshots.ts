/**
 * `npm run screenshots`: PNGs of the app's main states, taken from the real stack in Debian
 * Chromium, into the gitignored `screenshots/` folder. Look at them before calling UI work done.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, BrowserContextOptions } from 'playwright-core';
import { closeAll, launchBrowser } from './e2e/harness/browser.ts';
import { TodoPage } from './e2e/ui/todo-page.ts';
import { startUiStack, type UiStack } from './e2e/ui/ui-stack.ts';

const OUT = resolve(import.meta.dirname, '..', 'screenshots');
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 360, height: 740 };

const TODOS = [
  'Buy oat milk',
  'Call the plumber about the kitchen tap',
  'Reply to the landlord about the heating repair and ask whether Thursday morning works for everyone involved',
  'Water the plants',
] as const;

async function session(browser: Browser, stack: UiStack, options: BrowserContextOptions): Promise<TodoPage> {
  // Reduced motion: the skeleton's shimmer would otherwise be caught mid-animation.
  const ctx = await browser.newContext({ reducedMotion: 'reduce', ...options });
  return new TodoPage(await ctx.newPage(), stack.origins);
}

async function shoot(app: TodoPage, name: string): Promise<string> {
  const path = resolve(OUT, `${name}.png`);
  await app.page.screenshot({ path, fullPage: true });
  return path;
}

/** Each user's list is filled once; later sessions of the same user just see it. */
async function ensureTodos(app: TodoPage): Promise<void> {
  await app.newTodo.waitFor();
  const have = await app.titles();
  for (const t of TODOS) if (!have.includes(t)) await app.add(t);
  const first = app.checkbox(TODOS[0]);
  if (!(await first.isChecked())) {
    await first.check();
    await app.settled(TODOS[0]);
  }
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const stack = await startUiStack();
  const browser = await launchBrowser();
  const saved: string[] = [];
  try {
    // Light, desktop: signed out, empty, list, error, session panel open.
    const light = await session(browser, stack, { viewport: DESKTOP, colorScheme: 'light' });
    await light.open();
    await light.signInLink.waitFor();
    saved.push(await shoot(light, 'signed-out'));
    await light.signIn('alice');
    await light.text('Nothing to do yet. Add your first todo above.').waitFor();
    saved.push(await shoot(light, 'empty'));
    await ensureTodos(light);
    saved.push(await shoot(light, 'list'));

    await light.editButton(TODOS[1]).click();
    await light.renameBox(TODOS[1]).waitFor();
    saved.push(await shoot(light, 'editing'));
    await light.renameBox(TODOS[1]).press('Escape');

    await light.page.getByText('Session details', { exact: true }).click();
    await light.page.getByText('Access token expires', { exact: true }).waitFor();
    saved.push(await shoot(light, 'session-panel'));

    await stack.api.stop();
    await light.page.reload();
    await light.retryButton.waitFor();
    saved.push(await shoot(light, 'error'));

    // Dark, desktop: the error first (API still down), then the list.
    const dark = await session(browser, stack, { viewport: DESKTOP, colorScheme: 'dark' });
    await dark.open();
    await dark.signInLink.waitFor();
    saved.push(await shoot(dark, 'dark-signed-out'));
    await dark.signIn('alice');
    await dark.retryButton.waitFor();
    saved.push(await shoot(dark, 'dark-error'));
    await stack.api.start();
    await dark.retryButton.click();
    await dark.checkbox(TODOS[0]).waitFor();
    saved.push(await shoot(dark, 'dark-list'));

    // Phone width.
    const phone = await session(browser, stack, { viewport: PHONE, colorScheme: 'light', isMobile: true, hasTouch: true });
    await phone.open();
    await phone.signInLink.waitFor();
    saved.push(await shoot(phone, 'phone-signed-out'));
    await phone.signIn('alice');
    await phone.checkbox(TODOS[0]).waitFor();
    saved.push(await shoot(phone, 'phone-list'));
    await phone.editButton(TODOS[2]).click();
    await phone.renameBox(TODOS[2]).waitFor();
    saved.push(await shoot(phone, 'phone-editing'));

    const phoneDark = await session(browser, stack, { viewport: PHONE, colorScheme: 'dark', isMobile: true, hasTouch: true });
    await phoneDark.open();
    await phoneDark.signIn('alice');
    await phoneDark.checkbox(TODOS[0]).waitFor();
    saved.push(await shoot(phoneDark, 'phone-dark-list'));
  } finally {
    await closeAll(browser, stack);
  }
  for (const p of saved) console.log(p);
  console.log(`${saved.length} screenshots in ${OUT}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
