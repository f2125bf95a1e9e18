/**
 * Loads users feel, each timed `runs` times in real Chromium against the real stack:
 * - first visit: a profile that has never seen the app (no SW, empty HTTP cache) but is signed
 *   in at the IdP; navigation start -> todos rendered. The app shows "Sign in" and the bench
 *   clicks it the moment it is there (the IdP then answers without a form).
 * - repeat visit: a new tab in the profile whose SW is running and signed in; navigation start
 *   -> todos rendered.
 * - sign-in round trip: a profile with the app loaded and signed out, and no IdP session; click
 *   "Sign in" -> todos rendered, the IdP's form filled and submitted the moment it is parsed.
 * Times are taken in this process from CDP events (marks.ts); navigation start is when this
 * process sends `Page.navigate`.
 */
import { performance } from 'node:perf_hooks';
import type { StackOrigins } from '../stack/ports.ts';
import type { Cdp, Json } from './cdp.ts';
import { attemptAll } from './outcome.ts';
import { markTab, type MarkScriptConfig } from './marks.ts';
import { newContext, openPage, waitFor, type Page } from './page.ts';
import { DEMO, SIGN_IN_LINK } from './sign-in.ts';
import { summarize, type Summary } from './stats.ts';

/** A run that takes longer than this counts as failed. */
const RUN_TIMEOUT_MS = 20_000;

export interface LoadRun {
  readonly ms: number | null;
  /** First visit: navigation start -> the bench's click on "Sign in" (the app's first screen). */
  readonly toSignInMs?: number;
  readonly error?: string;
}

export interface LoadReport {
  readonly runs: readonly LoadRun[];
  /** Over the runs that finished. */
  readonly summary: Summary;
}

export interface LoadsReport {
  readonly firstVisit: LoadReport;
  readonly repeatVisit: LoadReport;
  readonly signIn: LoadReport;
}

export interface LoadSetup {
  readonly cdp: Cdp;
  readonly o: StackOrigins;
  /** The signed-in app's profile: its SW is running with a session, its IdP cookies are copied. */
  readonly signedInCtx: string;
  readonly todos: number;
  readonly runs: number;
}

interface Cookie extends Json {
  readonly name: string;
}

const report = (runs: LoadRun[]): LoadReport => ({ runs, summary: summarize(runs.flatMap((r) => (r.ms === null ? [] : [r.ms]))) });

/** Navigation start, on this process's clock: the moment `Page.navigate` is sent. */
async function timedNavigation(page: Page, url: string): Promise<number> {
  const t0 = performance.now();
  await page.navigate(url);
  return t0;
}

async function blankTab(s: LoadSetup, ctx: string, cfg: Partial<MarkScriptConfig>) {
  const page = await openPage(s.cdp, 'about:blank', ctx);
  const tab = await markTab(s.cdp, page, { appOrigin: s.o.appOrigin, issuer: s.o.issuer, todos: s.todos, clickSignIn: false, login: null, ...cfg });
  return { page, tab };
}

async function inFreshContext<T>(s: LoadSetup, fn: (ctx: string) => Promise<T>): Promise<T> {
  const ctx = await newContext(s.cdp);
  try {
    return await fn(ctx);
  } finally {
    await s.cdp.send('Target.disposeBrowserContext', { browserContextId: ctx }).catch(() => undefined);
  }
}

async function repeatVisit(s: LoadSetup): Promise<LoadRun> {
  const { page, tab } = await blankTab(s, s.signedInCtx, {});
  try {
    const t0 = await timedNavigation(page, `${s.o.appOrigin}/`);
    return { ms: (await tab.next('todos', RUN_TIMEOUT_MS)).at - t0 };
  } finally {
    tab.stop();
    await page.close();
  }
}

async function firstVisit(s: LoadSetup, idpCookies: readonly Cookie[]): Promise<LoadRun> {
  return inFreshContext(s, async (ctx) => {
    await s.cdp.send('Storage.setCookies', { cookies: idpCookies, browserContextId: ctx });
    const { page, tab } = await blankTab(s, ctx, { clickSignIn: true });
    try {
      const t0 = await timedNavigation(page, `${s.o.appOrigin}/`);
      const done = await tab.next('todos', RUN_TIMEOUT_MS);
      const click = tab.marks.find((m) => m.name === 'click');
      return { ms: done.at - t0, ...(click ? { toSignInMs: click.at - t0 } : {}) };
    } finally {
      tab.stop();
    }
  });
}

async function signInRoundTrip(s: LoadSetup): Promise<LoadRun> {
  return inFreshContext(s, async (ctx) => {
    const { page, tab } = await blankTab(s, ctx, { login: DEMO });
    try {
      await page.navigate(`${s.o.appOrigin}/`);
      await waitFor(page, `navigator.serviceWorker.controller !== null && ${SIGN_IN_LINK}`, 'the app, signed out and controlled');
      await page.evaluate('window.__benchClickSignIn()');
      const click = await tab.next('click', RUN_TIMEOUT_MS);
      return { ms: (await tab.next('todos', RUN_TIMEOUT_MS)).at - click.at };
    } finally {
      tab.stop();
    }
  });
}

async function runs(n: number, one: () => Promise<LoadRun>): Promise<LoadReport> {
  const out = await attemptAll(n, one);
  return report(out.map((r) => (r.ok ? r.value : { ms: null, error: `${r.code}: ${r.message}` })));
}

export async function measureLoads(s: LoadSetup): Promise<LoadsReport> {
  const { cookies } = await s.cdp.send<{ cookies: Cookie[] }>('Storage.getCookies', { browserContextId: s.signedInCtx });
  // Every cookie there is the IdP's (the app and the API set none); cookies ignore ports.
  const idpCookies = cookies.map(({ name, value, domain, path, expires, httpOnly, secure, sameSite }) => ({
    name,
    value,
    domain,
    path,
    expires,
    httpOnly,
    secure,
    sameSite,
  }));
  const repeat = await runs(s.runs, () => repeatVisit(s));
  const first = await runs(s.runs, () => firstVisit(s, idpCookies));
  const signIn = await runs(s.runs, () => signInRoundTrip(s));
  return { firstVisit: first, repeatVisit: repeat, signIn };
}
