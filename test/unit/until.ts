/**
 * Waits until `cond` holds, checking every few milliseconds, and fails after `ms` with what it
 * waited for: a poll without a bound would hang the run instead of failing the test.
 */
export async function until(cond: () => boolean, ms: number, what = 'the condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
