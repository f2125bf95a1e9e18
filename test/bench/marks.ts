/**
 * Marks that a page reports as they happen, through a CDP binding (`Runtime.addBinding`), timed
 * on arrival in this process. One clock for the whole journey: a sign-in crosses three origins
 * and as many documents (and renderer processes), which page clocks cannot span reliably; a
 * binding call reaches us well under a millisecond later, on every side of the interval alike.
 * The script runs in every document of the tab (`addScriptToEvaluateOnNewDocument`), top frame only.
 */
import { performance } from 'node:perf_hooks';
import type { Cdp, Json } from './cdp.ts';
import { BenchError } from './errors.ts';
import type { Page } from './page.ts';
import { SIGN_IN_LINK, submitLoginSource } from './sign-in.ts';

const BINDING = '__benchMark';

export interface MarkScriptConfig {
  readonly appOrigin: string;
  readonly issuer: string;
  /** "Todos rendered": at least this many `todo-item`s with text, at the next animation frame. */
  readonly todos: number;
  /** First visit: click "Sign in" as soon as it shows and the SW controls the page. */
  readonly clickSignIn: boolean;
  /** Fill and submit the IdP's login form as soon as it is parsed. */
  readonly login: { readonly username: string; readonly password: string } | null;
}

export interface Mark {
  readonly name: string;
  readonly href: string;
  /** performance.now() in this process when the mark arrived. */
  readonly at: number;
}

function markScript(c: MarkScriptConfig): string {
  return `(() => {
  if (window.top !== window) return;
  const cfg = ${JSON.stringify(c)};
  const mark = (name) => window.${BINDING}(JSON.stringify({ name, href: location.href }));
  window.__benchClickSignIn = () => {
    const a = ${SIGN_IN_LINK};
    if (!a) return false;
    mark('click');
    a.click();
    return true;
  };
  if (location.origin === cfg.issuer) {
    if (!cfg.login) return;
    const fill = () => {
      if (${c.login ? submitLoginSource(c.login) : 'false'}) mark('login-submitted');
    };
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', fill, { once: true });
    else fill();
    return;
  }
  if (location.origin !== cfg.appOrigin) return;
  let clicked = false;
  let done = false;
  const check = () => {
    if (done) return;
    const items = document.querySelectorAll('todo-item');
    if (items.length >= cfg.todos && [...items].every((i) => i.textContent.trim() !== '')) {
      done = true;
      requestAnimationFrame(() => mark('todos'));
      return;
    }
    if (cfg.clickSignIn && !clicked && navigator.serviceWorker && navigator.serviceWorker.controller) {
      clicked = window.__benchClickSignIn();
    }
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true });
  if (navigator.serviceWorker) navigator.serviceWorker.addEventListener('controllerchange', check);
})();`;
}

export interface MarkedTab {
  readonly marks: readonly Mark[];
  /** Resolves with the first mark called `name` (already arrived or still to come). */
  next(name: string, timeoutMs: number): Promise<Mark>;
  stop(): void;
}

/** Installs the mark script and the binding on `page`; call before navigating it. */
export async function markTab(cdp: Cdp, page: Page, config: MarkScriptConfig): Promise<MarkedTab> {
  const marks: Mark[] = [];
  const waiters = new Set<() => void>();
  const off = cdp.on('Runtime.bindingCalled', (params: Json, sessionId) => {
    if (sessionId !== page.sessionId || params['name'] !== BINDING) return;
    const at = performance.now();
    const m = JSON.parse(String(params['payload'])) as { name: string; href: string };
    marks.push({ ...m, at });
    for (const w of waiters) w();
  });
  await cdp.send('Page.enable', {}, page.sessionId);
  await cdp.send('Runtime.enable', {}, page.sessionId);
  await cdp.send('Runtime.addBinding', { name: BINDING }, page.sessionId);
  await cdp.send('Page.addScriptToEvaluateOnNewDocument', { source: markScript(config) }, page.sessionId);
  return {
    marks,
    next(name, timeoutMs) {
      return new Promise<Mark>((resolve, reject) => {
        const check = () => {
          const m = marks.find((x) => x.name === name);
          if (!m) return;
          cleanup();
          resolve(m);
        };
        const timer = setTimeout(() => {
          cleanup();
          const seen = marks.map((x) => `${x.name}@${new URL(x.href).pathname}`).join(', ') || 'none';
          reject(new BenchError('WAIT_TIMEOUT', `no "${name}" mark in ${timeoutMs} ms (marks so far: ${seen})`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    stop: off,
  };
}
