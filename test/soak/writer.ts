/**
 * The soak's user: adds a todo with a unique title every few seconds, through the UI as a person
 * does (type into "New todo", press Enter), whatever the app is going through. Every title
 * handed to the app is recorded: the final count compares them with what the API stored.
 */
import type { Page } from 'playwright-core';

export interface Write {
  readonly title: string;
  /** ms since the soak started: when Enter was pressed. */
  readonly madeAtMs: number;
  /**
   * Enter itself failed (the page navigated under it): the app may or may not have got the
   * title, so a missing one is reported but not counted as lost.
   */
  readonly uncertain: boolean;
}

export interface Skipped {
  readonly atMs: number;
  /** Why no title could be typed (no "New todo" box on screen: loading, recovering, signed out). */
  readonly why: string;
}

/** Short: a write that waits longer than this for the box is a write the user could not make. */
const ACTION_TIMEOUT_MS = 5_000;

export class Writer {
  readonly writes: Write[] = [];
  readonly skipped: Skipped[] = [];
  #n = 0;
  #queue: Promise<unknown> = Promise.resolve();
  #running = false;
  #wake: (() => void) | undefined;
  #loop: Promise<void> | undefined;

  constructor(
    private readonly page: Page,
    /** Makes titles of this run unique (the seed). */
    private readonly prefix: string,
    private readonly rand: () => number,
    private readonly now: () => number,
    private readonly everyMs: readonly [number, number] = [2_000, 5_000],
  ) {}

  get running(): boolean {
    return this.#running;
  }

  /** Writes every few seconds (seeded) until stop(). */
  start(): void {
    this.#running = true;
    this.#loop = (async () => {
      while (this.#running) {
        const [lo, hi] = this.everyMs;
        await new Promise<void>((r) => {
          const timer = setTimeout(r, lo + this.rand() * (hi - lo));
          this.#wake = () => {
            clearTimeout(timer);
            r();
          };
        });
        this.#wake = undefined;
        // stop() may have come during the wait (a method call: TS does not narrow across awaits).
        if (this.running) await this.write();
      }
    })();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#wake?.();
    await this.#loop;
    await this.#queue;
  }

  /** One write at once: two fills into one box would merge titles. Resolves to the title, or undefined. */
  write(): Promise<string | undefined> {
    const run = this.#queue.then(() => this.#writeOne());
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** A write right now (a fault's window, a recovery probe), without waiting for the next tick. */
  nudge(): void {
    void this.write();
  }

  async #writeOne(): Promise<string | undefined> {
    const title = `soak ${this.prefix} #${++this.#n}`;
    const box = this.page.getByRole('textbox', { name: 'New todo', exact: true });
    try {
      await box.fill(title, { timeout: ACTION_TIMEOUT_MS });
    } catch (e) {
      this.skipped.push({ atMs: this.now(), why: firstLine(e) });
      return undefined;
    }
    const madeAtMs = this.now();
    try {
      await box.press('Enter', { timeout: ACTION_TIMEOUT_MS });
      this.writes.push({ title, madeAtMs, uncertain: false });
    } catch {
      this.writes.push({ title, madeAtMs, uncertain: true });
    }
    return title;
  }
}

/** Playwright's messages carry a call log; the first line says what failed. */
function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
}
