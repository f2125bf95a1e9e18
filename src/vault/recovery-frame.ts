/**
 * Hosts the SW's silent re-authentication: a hidden same-origin iframe at the path the SW gave.
 * The frame ends on a SW-made page (no script); we only wait for it to load (or time out) and
 * then ask the SW for the result.
 */
export const FRAME_TIMEOUT_MS = 10_000;

export function runRecoveryFrame(path: string, timeoutMs: number = FRAME_TIMEOUT_MS): Promise<'done' | 'timeout'> {
  // Only a same-origin path the SW named; never a page-chosen URL.
  if (!path.startsWith('/') || path.startsWith('//')) return Promise.resolve('timeout');
  return new Promise((resolve) => {
    const frame = document.createElement('iframe');
    frame.hidden = true;
    frame.setAttribute('aria-hidden', 'true');
    frame.tabIndex = -1;
    frame.title = 'session recovery';
    const finish = (outcome: 'done' | 'timeout') => {
      clearTimeout(timer);
      frame.remove();
      resolve(outcome);
    };
    const timer = setTimeout(finish, timeoutMs, 'timeout');
    frame.onload = () => {
      // The frame's first (and normally only) load is the end page after all redirects
      // (`/silent-done`); `about:blank` reads as "blank".
      let here: string | undefined;
      try {
        here = frame.contentWindow?.location.pathname;
      } catch {
        // cross-origin (stuck at the IdP): keep waiting for the timeout
      }
      if (here !== undefined && here !== 'blank') finish('done');
    };
    frame.src = path;
    document.body.append(frame);
  });
}
