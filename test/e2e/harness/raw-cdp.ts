/**
 * Chromium driven over a bare CDP pipe (`--remote-debugging-pipe`), attaching only to the page
 * targets it creates. Playwright (launch or connectOverCDP) auto-attaches to service workers,
 * and an attached debugger disables Chromium's idle stop; here nothing ever attaches to the SW,
 * so it lives and dies exactly as it would for a user.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { CHROME_ARGS, requireChrome } from '../../find-chrome.ts';

type Json = Record<string, unknown>;

export interface RawBrowser {
  send<T = Json>(method: string, params?: Json, sessionId?: string): Promise<T>;
  /** A new isolated profile (its own SW registrations and instances). */
  newContext(): Promise<string>;
  /** Opens `url` in a new tab of `contextId` and attaches to that page only. */
  openPage(url: string, contextId: string): Promise<RawPage>;
  close(): Promise<void>;
}

export interface RawPage {
  readonly sessionId: string;
  /** Evaluates an expression (awaiting a promise) in the page and returns its JSON value. */
  evaluate<T>(expression: string): Promise<T>;
}

export function launchRawBrowser(extraArgs: readonly string[] = []): Promise<RawBrowser> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'e2e-raw-cdp-'));
  const child: ChildProcess = spawn(
    requireChrome(),
    [...CHROME_ARGS, '--headless', '--remote-debugging-pipe', `--user-data-dir=${userDataDir}`, ...extraArgs, 'about:blank'],
    { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] },
  );
  const toBrowser = child.stdio[3] as Writable;
  const fromBrowser = child.stdio[4] as Readable;
  let nextId = 0;
  const pending = new Map<number, { resolve: (v: Json) => void; reject: (e: Error) => void }>();
  let buffer = '';
  fromBrowser.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    let end: number;
    while ((end = buffer.indexOf('\0')) >= 0) {
      const msg = JSON.parse(buffer.slice(0, end)) as { id?: number; result?: Json; error?: { message: string } };
      buffer = buffer.slice(end + 1);
      if (msg.id === undefined) continue;
      const p = pending.get(msg.id);
      pending.delete(msg.id);
      if (msg.error) p?.reject(new Error(msg.error.message));
      else p?.resolve(msg.result ?? {});
    }
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const send = <T = Json>(method: string, params: Json = {}, sessionId?: string): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = ++nextId;
      pending.set(id, { resolve: resolve as (v: Json) => void, reject });
      toBrowser.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    });

  return Promise.resolve({
    send,
    newContext: async () => (await send<{ browserContextId: string }>('Target.createBrowserContext')).browserContextId,
    openPage: async (url, browserContextId) => {
      const { targetId } = await send<{ targetId: string }>('Target.createTarget', { url, browserContextId });
      const { sessionId } = await send<{ sessionId: string }>('Target.attachToTarget', { targetId, flatten: true });
      return {
        sessionId,
        evaluate: async <T>(expression: string): Promise<T> => {
          const r = await send<{ result: { value: T }; exceptionDetails?: { text: string; exception?: { description?: string } } }>(
            'Runtime.evaluate',
            { expression, awaitPromise: true, returnByValue: true },
            sessionId,
          );
          if (r.exceptionDetails) throw new Error(r.exceptionDetails.exception?.description ?? r.exceptionDetails.text);
          return r.result.value;
        },
      };
    },
    close: async () => {
      await send('Browser.close').catch(() => undefined);
      const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(killer);
      rmSync(userDataDir, { recursive: true, force: true });
    },
  });
}
