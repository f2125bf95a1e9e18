/**
 * Signs in the way a person does: the app's "Sign in" link (answered by the SW with a redirect
 * to the IdP), the IdP's login form filled and submitted, back to the app signed in.
 */
import type { StackOrigins } from '../stack/ports.ts';
import { BenchError } from './errors.ts';
import { waitFor, type Page } from './page.ts';

export const DEMO = { username: 'alice', password: 'alice-password' } as const;

/** Waits until the SW controls `page` (the app registers it and asks it to claim on first load). */
export async function waitControlled(page: Page): Promise<void> {
  await waitFor(page, 'navigator.serviceWorker && navigator.serviceWorker.controller !== null', 'SW control', 20_000);
}

export interface SignInOptions {
  /**
   * How to tell the sign-in completed, checked in Node once the browser is back at the app.
   * Default: the app shows "Sign out". The single-flight run instead checks that the SW's code
   * exchange succeeded at the IdP: with a very short token life the app's own first API call may
   * already have failed and the UI moved on.
   */
  readonly confirmed?: () => boolean;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Page source that fills the IdP's login form with `creds` and submits it; evaluates to false
 * when the page has no such form. Shared by the bench's driver and the mark script (marks.ts).
 */
export function submitLoginSource(creds: { readonly username: string; readonly password: string }): string {
  return `(() => {
    const user = document.querySelector('input[name=username]');
    if (!user) return false;
    user.value = ${JSON.stringify(creds.username)};
    user.form.querySelector('input[name=password]').value = ${JSON.stringify(creds.password)};
    user.form.requestSubmit();
    return true;
  })()`;
}

/**
 * Fills and submits the IdP's login form once `page` shows it (as a password manager would).
 * Resolves when the form was submitted, not when the sign-in finished.
 */
export async function submitIdpLogin(page: Page, o: StackOrigins): Promise<void> {
  await waitFor(page, `location.origin === ${JSON.stringify(o.issuer)} && document.querySelector('input[name=username]')`, 'the IdP login form');
  if (!(await page.evaluate<boolean>(submitLoginSource(DEMO)))) throw new BenchError('SIGN_IN_FAILED', 'could not submit the login form');
}

export const SIGN_IN_LINK = `[...document.querySelectorAll('a')].find((a) => a.textContent.trim() === 'Sign in')`;

export async function signInThroughApp(page: Page, o: StackOrigins, opts: SignInOptions = {}): Promise<void> {
  await waitControlled(page);
  await waitFor(page, SIGN_IN_LINK, 'the "Sign in" link');
  await page.evaluate(`${SIGN_IN_LINK}.click()`);
  await submitIdpLogin(page, o);
  const backAtApp = `location.origin === ${JSON.stringify(o.appOrigin)} && location.pathname !== '/callback' && document.body !== null`;
  try {
    if (opts.confirmed) {
      await waitFor(page, backAtApp, 'the app after sign-in');
      const deadline = Date.now() + 10_000;
      while (!opts.confirmed()) {
        if (Date.now() > deadline) throw new BenchError('SIGN_IN_FAILED', 'no successful code exchange at the IdP');
        await sleep(50);
      }
    } else {
      await waitFor(page, `${backAtApp} && document.body.innerText.includes('Sign out')`, 'the app, signed in');
    }
  } catch (err) {
    const text = await page.evaluate<string>('document.body ? document.body.innerText.slice(0, 300) : ""').catch(() => '');
    throw new BenchError('SIGN_IN_FAILED', `sign-in did not complete; page text: ${JSON.stringify(text)}`, { cause: err });
  }
}
