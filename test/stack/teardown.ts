/**
 * Test-only: closes what a test file's (or suite's) `before` hook opened, last opened first.
 * Each resource is registered as it opens, so when the hook fails halfway the `after` hook closes
 * exactly what exists, and the test's variables keep their plain types (no `x?.close()` on a
 * variable the type says is always set).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';

export class Teardown {
  readonly #closers: (() => Promise<unknown>)[] = [];

  /** Runs `close` at teardown. */
  defer(close: () => Promise<unknown>): void {
    this.#closers.push(close);
  }

  /** Registers a server, issuer or store (anything with `close()`) and hands it back. */
  add<T extends { close(): Promise<unknown> }>(resource: T): T {
    this.defer(() => resource.close());
    return resource;
  }

  /** A fresh directory under the OS temp dir, removed with everything in it at teardown. */
  async tempDir(prefix: string): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), prefix));
    this.defer(() => rm(dir, { recursive: true, force: true }));
    return dir;
  }

  /** Runs the closers, last registered first; a failing one fails the hook that called this. */
  async close(): Promise<void> {
    for (const close of this.#closers.splice(0).reverse()) await close();
  }
}

/** A Teardown closed by an `after` hook of the suite (or file) this is called in. */
export function useTeardown(): Teardown {
  const teardown = new Teardown();
  after(() => teardown.close());
  return teardown;
}
