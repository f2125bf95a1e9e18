/**
 * Sends the outbox, in order, one tab at a time (a Web Lock), each change with its own
 * Idempotency-Key and, for changes of existing todos, `If-Match` with the version it was made on
 * (issue 9 item 3). What an answer means:
 * - saved: the entry leaves the queue; the next change of that todo is made on the new version;
 * - 412: a conflict, kept for the user to decide (nothing of that todo is sent meanwhile);
 * - 404 on a change or delete: deleted elsewhere; 400/422: refused; 403: not allowed. Dropped,
 *   and the user is told;
 * - anything else (network, timeout, 5xx, 401, a garbled answer) may or may not have reached
 *   the API: the entry stays and is sent again later with the same key, so it applies once.
 */
import { Backoff } from './backoff.ts';
import { nextEntry, type OutboxEntry } from './outbox-plan.ts';
import type { OutboxStore } from './outbox-store.ts';
import { errorCode, TodoApiError, type Todo, type TodoApi, type TodoApiErrorCode, type WriteOptions } from './todo-api.ts';
import { logger } from './log.ts';

const log = logger('outbox');

const LOCK = 'todo-outbox-sender';
/** A request that hangs (a half-open connection) must not hold the queue: it is retried. */
const SEND_TIMEOUT_MS = 30_000;

/** Why nothing can be sent right now, from the app's point of view. */
export type Blocked = 'offline' | 'signed-out';

export type SendReport =
  | { readonly kind: 'saved'; readonly entry: OutboxEntry; readonly todo: Todo | null }
  | { readonly kind: 'conflict'; readonly entry: OutboxEntry; readonly theirs: Todo }
  | { readonly kind: 'dropped'; readonly code: 'not_found' | 'invalid' | 'forbidden'; readonly entries: readonly OutboxEntry[] }
  /** The queue waits: a send failed in a way worth retrying, or sending is not possible now. */
  | { readonly kind: 'waiting'; readonly code: TodoApiErrorCode | Blocked | 'storage' }
  /** Nothing left that may go now (empty, in an Undo window, or waiting for the user's choice). */
  | { readonly kind: 'idle' };

export interface SenderOptions {
  readonly store: OutboxStore;
  readonly api: TodoApi;
  readonly sub: string;
  readonly blocked: () => Blocked | null;
  readonly report: (r: SendReport) => void;
  /** navigator.locks by default; null runs without one (a browser without Web Locks). */
  readonly locks?: LockManager | null;
  readonly now?: () => number;
}

type Outcome = Exclude<SendReport, { kind: 'idle' }>;

export class OutboxSender {
  readonly #o: SenderOptions;
  readonly #now: () => number;
  readonly #locks: LockManager | null;
  readonly #backoff = new Backoff(() => this.run());
  #due: ReturnType<typeof setTimeout> | undefined;
  #active: Promise<void> | undefined;
  #again = false;
  #disposed = false;

  constructor(o: SenderOptions) {
    this.#o = o;
    this.#now = o.now ?? Date.now;
    // lib.dom types it as always there; older browsers have no Web Locks.
    this.#locks = o.locks === undefined ? ((navigator as { locks?: LockManager }).locks ?? null) : o.locks;
  }

  /** Sends whatever may go now. Cheap to call often: calls during a run make it look once more. */
  run(): void {
    if (this.#disposed) return;
    this.#again = true;
    this.#active ??= this.#loop().finally(() => (this.#active = undefined));
  }

  /** Resolves when the current run (if any) is over; for tests and orderly shutdown. */
  get settled(): Promise<void> {
    return this.#active ?? Promise.resolve();
  }

  dispose(): void {
    this.#disposed = true;
    this.#backoff.reset();
    clearTimeout(this.#due);
  }

  async #loop(): Promise<void> {
    while (this.#again && !this.#disposed) {
      this.#again = false;
      try {
        // Other tabs wait their turn; when they get it, they find what this one left.
        await (this.#locks ? this.#locks.request(LOCK, () => this.#drain()) : this.#drain());
      } catch (e) {
        log.debug('store failed', e);
        this.#o.report({ kind: 'waiting', code: 'storage' });
        this.#backoff.schedule();
      }
    }
  }

  async #drain(): Promise<void> {
    for (;;) {
      if (this.#disposed) return;
      const blocked = this.#o.blocked();
      if (blocked) {
        this.#o.report({ kind: 'waiting', code: blocked });
        return;
      }
      // Whatever asked for a run before this read is answered by it; only later asks run again.
      this.#again = false;
      const next = nextEntry(await this.#o.store.entries(this.#o.sub), this.#now());
      if (next.kind !== 'send') {
        if (next.kind === 'wait') this.#wakeAt(next.until);
        this.#o.report({ kind: 'idle' });
        return;
      }
      const outcome = await this.#send(next.entry);
      this.#o.report(outcome);
      if (outcome.kind === 'waiting') {
        this.#backoff.schedule();
        return;
      }
      this.#backoff.reset();
    }
  }

  #wakeAt(at: number): void {
    clearTimeout(this.#due);
    this.#due = setTimeout(() => this.run(), Math.max(0, at - this.#now()));
  }

  async #send(entry: OutboxEntry): Promise<Outcome> {
    const { op, base } = entry;
    const w: WriteOptions = {
      idempotencyKey: entry.key,
      signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
      ...(typeof base === 'number' ? { ifMatch: base } : {}),
    };
    const store = this.#o.store;
    let todo: Todo | null;
    try {
      if (op.kind === 'create') todo = await this.#o.api.create(op.title, w);
      else if (op.kind === 'update') todo = await this.#o.api.update(op.todoId, op.patch, w);
      else {
        await this.#o.api.remove(op.todoId, w);
        todo = null;
      }
    } catch (e) {
      const code = errorCode(e);
      if (code === 'conflict' && e instanceof TodoApiError && e.current) {
        await store.conflicted(entry, e.current);
        return { kind: 'conflict', entry, theirs: e.current };
      }
      if (code === 'not_found' && op.kind !== 'create') return { kind: 'dropped', code, entries: await store.dropped(entry, 'gone') };
      if (code === 'invalid' || code === 'forbidden') return { kind: 'dropped', code, entries: await store.dropped(entry, 'refused') };
      return { kind: 'waiting', code };
    }
    // If this fails, the entry is sent again later and the API replays its first answer.
    await store.saved(entry, todo);
    return { kind: 'saved', entry, todo };
  }
}
