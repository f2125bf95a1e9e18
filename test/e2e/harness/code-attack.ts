/**
 * The attacker's own prompt=none flow run from page script in an iframe or a popup (STANDARDS,
 * "acquisition of new tokens"), shared by attacks.test.ts and the nginx deployment suite.
 */
import type { Page } from 'playwright-core';

export type Opener = 'iframe' | 'popup';

/** Runs the attacker's flow from page script and returns every string the script could read. */
export async function runAttack(page: Page, url: string, opener: Opener): Promise<string[]> {
  return page.evaluate(
    async ([u, how]) => {
      const seen: string[] = [];
      const read = (w: Window | null) => {
        try {
          if (w) seen.push(w.location.href, w.document.URL, w.document.documentElement.outerHTML);
        } catch {
          /* cross-origin or severed: unreadable, as intended */
        }
      };
      if (how === 'iframe') {
        const frame = document.createElement('iframe');
        frame.src = u;
        const loaded = new Promise((r) => frame.addEventListener('load', r));
        document.body.append(frame);
        // Read eagerly while it loads, then once more after the final load.
        const timer = setInterval(() => read(frame.contentWindow), 5);
        await Promise.race([loaded, new Promise((r) => setTimeout(r, 15_000))]);
        await new Promise((r) => setTimeout(r, 1_000));
        clearInterval(timer);
        read(frame.contentWindow);
      } else {
        const w = window.open(u, '_blank');
        const timer = setInterval(() => read(w), 5);
        await new Promise((r) => setTimeout(r, 5_000));
        clearInterval(timer);
        read(w);
        seen.push(String(w?.closed));
      }
      return seen;
    },
    [url, opener] as const,
  );
}
