/**
 * Page targets driven over the raw CDP client. Page code is passed as plain JavaScript source
 * strings: tsx compiles functions with name helpers (`__name`) that do not exist in the page.
 */
import type { Cdp } from './cdp.ts';
import { BenchError } from './errors.ts';

export interface Page {
  readonly sessionId: string;
  readonly targetId: string;
  /** Evaluates `expression` (awaiting a returned promise) and returns its JSON value. */
  evaluate<T>(expression: string): Promise<T>;
  navigate(url: string): Promise<void>;
  close(): Promise<void>;
}

interface EvaluateResult {
  readonly result: { readonly value?: unknown };
  readonly exceptionDetails?: { readonly text: string; readonly exception?: { readonly description?: string } };
}

export async function newContext(cdp: Cdp): Promise<string> {
  return (await cdp.send<{ browserContextId: string }>('Target.createBrowserContext')).browserContextId;
}

/** Opens `url` in a new tab of `browserContextId` and attaches to that page only (never auto-attach). */
export async function openPage(cdp: Cdp, url: string, browserContextId: string): Promise<Page> {
  const { targetId } = await cdp.send<{ targetId: string }>('Target.createTarget', { url, browserContextId });
  const { sessionId } = await cdp.send<{ sessionId: string }>('Target.attachToTarget', { targetId, flatten: true });
  return {
    sessionId,
    targetId,
    async evaluate<T>(expression: string): Promise<T> {
      const r = await cdp.send<EvaluateResult>('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true }, sessionId);
      if (r.exceptionDetails) {
        throw new BenchError('PAGE_EXCEPTION', r.exceptionDetails.exception?.description ?? r.exceptionDetails.text);
      }
      return r.result.value as T;
    },
    async navigate(target: string): Promise<void> {
      await cdp.send('Page.navigate', { url: target }, sessionId);
    },
    async close(): Promise<void> {
      await cdp.send('Target.closeTarget', { targetId }).catch(() => undefined);
    },
  };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Polls a boolean expression until it is true. Evaluation errors count as "not yet": during a
 * navigation the execution context is destroyed under us.
 */
export async function waitFor(page: Page, expression: string, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      if (await page.evaluate<boolean>(`Boolean(${expression})`)) return;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await sleep(100);
  }
  const where = await page.evaluate<string>('location.href').catch(() => '?');
  throw new BenchError(
    'WAIT_TIMEOUT',
    `timed out after ${timeoutMs} ms waiting for ${what} (page at ${where})${last ? `; last error: ${last}` : ''}`,
  );
}
