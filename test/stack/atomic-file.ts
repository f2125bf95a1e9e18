import { randomUUID } from 'node:crypto';
import { open, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Replaces `file` so that a crash at any moment leaves either the old or the new content: write a
 * temp file in the same directory (mode 0600: these files hold user data and tokens), fsync it,
 * rename it over the target (atomic on POSIX), then fsync the directory so the rename itself is
 * durable.
 */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const tmp = join(dirname(file), `.${basename(file)}.${randomUUID()}.tmp`);
  const fh = await open(tmp, 'wx', 0o600);
  try {
    await fh.writeFile(text, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  const dir = await open(dirname(file), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

/** Temp files left by a process killed mid-write are garbage: the target file is always whole. */
export async function removeStaleTempFiles(file: string): Promise<void> {
  const prefix = `.${basename(file)}.`;
  for (const name of await readdir(dirname(file))) {
    if (name.startsWith(prefix) && name.endsWith('.tmp')) await rm(join(dirname(file), name), { force: true });
  }
}

/**
 * Serializes saves of one file and coalesces them: a save requested while one runs is done once
 * after it, for every caller that asked meanwhile. `save` must take its snapshot synchronously
 * when called, so a save that starts after a change always includes it.
 */
export class CoalescingWriter {
  readonly #save: () => Promise<void>;
  #running: Promise<void> | undefined;
  #next: Promise<void> | undefined;

  constructor(save: () => Promise<void>) {
    this.#save = save;
  }

  /** Resolves once a save that started after this call has finished. */
  request(): Promise<void> {
    if (this.#next !== undefined) return this.#next;
    const previous = this.#running ?? Promise.resolve();
    const next: Promise<void> = previous
      // The previous save's failure was reported to its own callers; this one tries afresh.
      .catch(() => undefined)
      .then(async () => {
        this.#next = undefined;
        this.#running = next;
        try {
          await this.#save();
        } finally {
          if (this.#running === next) this.#running = undefined;
        }
      });
    this.#next = next;
    return next;
  }

  /** Waits until no save is queued or running. */
  async idle(): Promise<void> {
    while (this.#next !== undefined || this.#running !== undefined) {
      await (this.#next ?? this.#running)?.catch(() => undefined);
    }
  }
}
