/**
 * Timers that cannot misfire: `setTimeout` runs a delay above 2^31-1 ms (about 24.9 days) at
 * once, so a 30-day `expires_in` (Auth0 allows it) would refresh in a loop (issue 8 finding 4).
 * A longer wait is taken in clamped steps.
 */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export interface Timer {
  cancel(): void;
}

/** Runs `fn` once, `ms` from now (0 when negative), however long that is. */
export function after(ms: number, fn: () => void, now: () => number = Date.now): Timer {
  const due = now() + Math.max(0, ms);
  let handle: ReturnType<typeof setTimeout>;
  const arm = () => {
    const left = due - now();
    handle = setTimeout(left > MAX_TIMEOUT_MS ? arm : fn, Math.min(Math.max(0, left), MAX_TIMEOUT_MS));
    // Node (unit tests) must not be kept alive by a pending SW timer.
    (handle as { unref?: () => void }).unref?.();
  };
  arm();
  return { cancel: () => clearTimeout(handle) };
}
