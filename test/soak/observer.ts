/**
 * Watches the page the way the user sees it, a few times a second: error messages that appear,
 * the signed-out screen (a sign-out), which todos are saved, and whether the app is healthy
 * (signed in, the list on screen, nothing waiting to be saved). Read from the DOM only: asking
 * the SW would wake it and change what the faults test.
 */
import type { Page } from 'playwright-core';
import type { Write } from './writer.ts';

interface UiBanner {
  readonly key: string;
  readonly tone: string;
  readonly text: string;
}

interface UiState {
  readonly signInShown: boolean;
  readonly signOutShown: boolean;
  readonly continueShown: boolean;
  readonly board: boolean;
  readonly banners: readonly UiBanner[];
  readonly items: readonly { readonly title: string; readonly pending: string | null }[];
  /** Length of the page's message log (harness/message-recorder.ts) and what was new in it. */
  readonly messages: number;
  readonly swSignedOut: number;
}

/** Something the user saw (or the SW said), with the fault running at that moment. */
export interface SeenEvent {
  readonly atMs: number;
  readonly what: string;
  readonly during: string;
}

/** Banners that say the app is not fully working yet. */
const UNHEALTHY = new Set(['offline', 'recovering', 'waiting', 'load-error', 'expired', 'signed-out', 'unavailable']);
const POLL_MS = 250;

/** Runs in the page (light DOM: every element renders into the document itself). */
function readUi(seenMessages: number): UiState {
  const bar = document.querySelector('session-bar');
  const main = document.querySelector('main');
  const log = (globalThis as unknown as { __e2eMessages?: string[] }).__e2eMessages ?? [];
  // A new document starts a new log.
  const fresh = log.slice(seenMessages > log.length ? 0 : seenMessages);
  return {
    signInShown: bar?.querySelector('a') != null,
    signOutShown: bar?.querySelector('button') != null,
    continueShown: [...(main?.querySelectorAll('a.button') ?? [])].some((a) => a.textContent.trim().startsWith('Continue')),
    board: document.querySelector('todo-board') !== null,
    banners: [...document.querySelectorAll('status-banner .banner')].map((b) => ({
      key: b.getAttribute('data-key') ?? '',
      tone: ['error', 'warning', 'info'].find((t) => b.classList.contains(t)) ?? '',
      text: (b.querySelector('p')?.textContent ?? '').trim(),
    })),
    items: [...document.querySelectorAll('todo-item')].map((i) => {
      const pending = i.querySelector('.pending');
      return { title: (i.querySelector('.title')?.textContent ?? '').trim(), pending: pending ? pending.textContent.trim() : null };
    }),
    messages: log.length,
    swSignedOut: fresh.filter((m) => m.includes('"status":"signed-out"')).length,
  };
}

export class Observer {
  readonly errors: SeenEvent[] = [];
  readonly signOuts: SeenEvent[] = [];
  /** Messages in which the SW told the page it was signed out (even if the screen never showed it). */
  readonly swSignedOut: SeenEvent[] = [];
  readonly pageErrors: SeenEvent[] = [];
  /** Top-level document loads after the start (a top-level recovery redirect is one). */
  readonly pageLoads: SeenEvent[] = [];
  /** Title -> when it was first on screen as saved (the API confirmed it). */
  readonly saved = new Map<string, number>();
  /** Polls that could not read the page (it was navigating). */
  unreadable = 0;
  /** The fault running now: every event is filed under it. */
  during = 'none';

  #last: { readonly at: number; readonly healthy: boolean } | undefined;
  #shownErrors = new Set<string>();
  #signedOut = false;
  #messages = 0;
  #running = false;
  #loop: Promise<void> | undefined;

  constructor(
    private readonly page: Page,
    private readonly now: () => number,
  ) {
    page.on('pageerror', (e) => this.pageErrors.push(this.#event(e.message.split('\n')[0]?.slice(0, 200) ?? '')));
    page.on('load', () => this.pageLoads.push(this.#event(new URL(page.url()).pathname)));
  }

  #event(what: string): SeenEvent {
    return { atMs: this.now(), what, during: this.during };
  }

  async start(): Promise<void> {
    // Messages from before the start (the signed-out screen before signing in) do not count.
    this.#messages = await this.page.evaluate(() => (globalThis as unknown as { __e2eMessages?: string[] }).__e2eMessages?.length ?? 0);
    this.#running = true;
    this.#loop = (async () => {
      while (this.#running) {
        await this.#poll();
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
    })();
  }

  async stop(): Promise<void> {
    this.#running = false;
    await this.#loop;
  }

  get healthy(): boolean {
    return this.#last?.healthy ?? false;
  }

  async #poll(): Promise<void> {
    let s: UiState;
    try {
      s = await this.page.evaluate(readUi, this.#messages);
    } catch {
      this.unreadable++;
      return;
    }
    const at = this.now();
    this.#messages = s.messages;
    if (s.swSignedOut > 0) this.swSignedOut.push(this.#event(`${s.swSignedOut} message(s) with status signed-out`));
    const errors = new Set(s.banners.filter((b) => b.tone === 'error').map((b) => `${b.key}: ${b.text}`));
    for (const e of errors) if (!this.#shownErrors.has(e)) this.errors.push(this.#event(e));
    this.#shownErrors = errors;
    const signedOut = s.signInShown || s.continueShown || s.banners.some((b) => b.key === 'expired' || b.key === 'signed-out');
    if (signedOut && !this.#signedOut) this.signOuts.push(this.#event(s.continueShown ? 'Continue as … screen' : 'signed-out screen'));
    this.#signedOut = signedOut;
    for (const i of s.items) if (i.pending === null && !this.saved.has(i.title)) this.saved.set(i.title, at);
    const healthy =
      s.signOutShown && !signedOut && s.board && s.items.every((i) => i.pending === null) && !s.banners.some((b) => UNHEALTHY.has(b.key));
    this.#last = { at, healthy };
  }

  /**
   * ms from `sinceMs` until the app is healthy again with a write made since then saved (an app
   * that only looks fine, with a SW that lost its memory, has not recovered until a write
   * works); null after `timeoutMs`.
   */
  async recovered(sinceMs: number, writes: () => readonly Write[], timeoutMs: number): Promise<number | null> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const last = this.#last;
      if (last && last.at >= sinceMs && last.healthy) {
        const probe = writes().find((w) => w.madeAtMs >= sinceMs && (this.saved.get(w.title) ?? Infinity) <= last.at);
        if (probe) return last.at - sinceMs;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    return null;
  }
}
