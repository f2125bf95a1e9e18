/**
 * A minimal CDP client over `--remote-debugging-pipe` (NUL-delimited JSON on fds 3/4).
 *
 * Why not Playwright, and why not a WebSocket: Playwright (launch or `connectOverCDP`) sets
 * `Target.setAutoAttach` and attaches a debugger to every service worker, which disables the
 * idle timeout and adds DevTools instrumentation to the very fetch handler we time (TOOLCHAIN.md,
 * "Timing under Playwright is skewed"). Node 20 has no global WebSocket without a flag and `ws` is
 * not installed; the pipe needs neither. We only ever attach to page targets we create, and
 * `run.ts` checks via `Target.getTargets` that the SW target stays unattached.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { BenchError } from './errors.ts';

export type Json = Record<string, unknown>;

interface Message {
  readonly id?: number;
  readonly method?: string;
  readonly params?: Json;
  readonly sessionId?: string;
  readonly result?: Json;
  readonly error?: { readonly message: string };
}

export type EventListener = (params: Json, sessionId: string | undefined) => void;

export interface Cdp {
  send<T = Json>(method: string, params?: Json, sessionId?: string): Promise<T>;
  on(method: string, listener: EventListener): () => void;
  close(): Promise<void>;
}

/** A generous bound: a CDP command that takes longer means the browser is stuck. */
const COMMAND_TIMEOUT_MS = 60_000;

export function launchChromium(executable: string, args: readonly string[]): Cdp {
  const userDataDir = mkdtempSync(join(tmpdir(), 'bench-chromium-'));
  const child: ChildProcess = spawn(executable, [...args, '--headless', '--remote-debugging-pipe', `--user-data-dir=${userDataDir}`, 'about:blank'], {
    stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'],
  });
  const toBrowser = child.stdio[3] as Writable;
  const fromBrowser = child.stdio[4] as Readable;
  const pending = new Map<number, { resolve: (v: Json) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  const listeners = new Map<string, Set<EventListener>>();
  let nextId = 0;
  let buffer = '';
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      for (const p of pending.values()) p.reject(new BenchError('BROWSER_EXITED', 'Chromium exited'));
      pending.clear();
      resolve();
    }),
  );
  child.once('error', () => undefined);
  toBrowser.on('error', () => undefined);

  fromBrowser.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    let end: number;
    while ((end = buffer.indexOf('\0')) >= 0) {
      const msg = JSON.parse(buffer.slice(0, end)) as Message;
      buffer = buffer.slice(end + 1);
      if (msg.id !== undefined) {
        const p = pending.get(msg.id);
        if (!p) continue;
        pending.delete(msg.id);
        clearTimeout(p.timer);
        if (msg.error) p.reject(new BenchError('CDP_ERROR', msg.error.message));
        else p.resolve(msg.result ?? {});
      } else if (msg.method !== undefined) {
        for (const l of listeners.get(msg.method) ?? []) l(msg.params ?? {}, msg.sessionId);
      }
    }
  });

  const send = <T = Json>(method: string, params: Json = {}, sessionId?: string): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (exited) return reject(new BenchError('BROWSER_EXITED', `Chromium exited before ${method}`));
      const id = ++nextId;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new BenchError('CDP_TIMEOUT', `${method} got no answer in ${COMMAND_TIMEOUT_MS} ms`));
      }, COMMAND_TIMEOUT_MS);
      pending.set(id, { resolve: resolve as (v: Json) => void, reject, timer });
      toBrowser.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    });

  return {
    send,
    on(method, listener) {
      let set = listeners.get(method);
      if (!set) listeners.set(method, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
    async close() {
      if (!exited) {
        await send('Browser.close').catch(() => undefined);
        const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exitedPromise;
        clearTimeout(killer);
      }
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
