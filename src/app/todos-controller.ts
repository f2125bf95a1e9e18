/**
 * One signed-in user's todo list. Every change goes to the outbox first and shows at once,
 * marked as not saved yet; the sender delivers it when it can (issue 9 items 3-6). The list the
 * API gave is kept apart from the queued changes; the screen shows the two merged (todo-view.ts).
 */
import { Backoff } from './backoff.ts';
import type { OutboxOp } from './outbox-plan.ts';
import { OutboxSender, type Blocked, type SendReport } from './outbox-sender.ts';
import { openOutbox, type OutboxStore } from './outbox-store.ts';
import { openTodoChannel, type ChangeKind, type TodoChannel } from './todo-channel.ts';
import { errorCode, type TodoApi } from './todo-api.ts';
import { afterReport, INITIAL, snapshotOf, todoOp, type Model } from './todos-model.ts';
import { IDLE, type TodosSnapshot } from './todos-state.ts';
import { SEND_GRACE_MS, TEMP_PREFIX, UNDO_MS, type TodoView } from './todo-view.ts';
import { logger } from './log.ts';

const log = logger('todos');

export interface TodosOptions {
  readonly api: TodoApi;
  /** The signed-in user; the outbox entries are theirs only. */
  readonly sub: string;
  /** Why sending must wait now (offline, session not signed in as `sub`), or null. */
  readonly blocked: () => Blocked | null;
  readonly store?: OutboxStore;
  readonly channel?: (sub: string, onChange: (kind: ChangeKind) => void) => TodoChannel;
  readonly locks?: LockManager | null;
  readonly now?: () => number;
}

export class TodosController {
  #snap: TodosSnapshot = IDLE;
  #listeners = new Set<(s: TodosSnapshot) => void>();
  #m: Model = INITIAL;
  /** Bumped by every list read, so a late answer for an older one is ignored. */
  #generation = 0;
  #refreshing: Promise<void> | undefined;
  #refreshAgain = false;
  #undoTimer: ReturnType<typeof setTimeout> | undefined;
  #disposed = false;
  /** Server id -> the temporary id a todo added in this tab was shown under. */
  readonly #keys = new Map<string, string>();

  readonly #o: TodosOptions;
  readonly #now: () => number;
  readonly #store: OutboxStore;
  readonly #sender: OutboxSender;
  readonly #channel: TodoChannel;
  readonly #loadRetry = new Backoff(() => void this.load());

  constructor(o: TodosOptions) {
    this.#o = o;
    this.#now = o.now ?? Date.now;
    this.#store = o.store ?? openOutbox();
    this.#sender = new OutboxSender({
      store: this.#store,
      api: o.api,
      sub: o.sub,
      blocked: o.blocked,
      report: (r) => this.#onSent(r),
      ...(o.locks === undefined ? {} : { locks: o.locks }),
      now: this.#now,
    });
    this.#channel = (o.channel ?? openTodoChannel)(o.sub, (kind) => this.#onRemote(kind));
    addEventListener('online', this.wake);
    addEventListener('pageshow', this.#onPageShow);
    document.addEventListener('visibilitychange', this.#onVisible);
  }

  get snapshot(): TodosSnapshot {
    return this.#snap;
  }

  get sub(): string {
    return this.#o.sub;
  }

  /** Resolves once the sender is idle (tests). */
  get sent(): Promise<void> {
    return this.#sender.settled;
  }

  subscribe(listener: (s: TodosSnapshot) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Signed out or another user: stop, and let go of the database (the queue stays in it). */
  dispose(): void {
    this.#disposed = true;
    this.#generation++;
    this.#sender.dispose();
    this.#loadRetry.reset();
    clearTimeout(this.#undoTimer);
    this.#channel.close();
    this.#store.close();
    removeEventListener('online', this.wake);
    removeEventListener('pageshow', this.#onPageShow);
    document.removeEventListener('visibilitychange', this.#onVisible);
    this.#listeners.clear();
  }

  /** Something may have become possible (session back, online, visible): send, and load if that failed. */
  readonly wake = (): void => {
    this.#sender.run();
    if (this.#m.load.kind === 'error') void this.load();
  };

  readonly #onVisible = (): void => {
    if (document.visibilityState === 'visible') this.wake();
  };

  /** Back/forward cache: the page may be minutes old and missed every broadcast. */
  readonly #onPageShow = (e: PageTransitionEvent): void => {
    if (e.persisted && this.#m.load.kind !== 'idle') void this.load();
  };

  dismissNotice(): void {
    this.#update({ notice: null });
  }

  /** Reads the list and the queue. A re-sync keeps the current list on screen while it runs. */
  async load(): Promise<void> {
    const gen = ++this.#generation;
    this.#loadRetry.reset();
    if (this.#m.load.kind !== 'ready') this.#update({ load: { kind: 'loading' } });
    const entries = this.#store.entries(this.#o.sub);
    try {
      const [queued, base] = await Promise.all([entries, this.#o.api.list()]);
      if (gen !== this.#generation) return;
      this.#update({ base, queued, sessionExpired: false, load: { kind: 'ready' } });
      // The API answers again: whatever waited can go now.
      this.#sender.run();
    } catch (e) {
      if (gen !== this.#generation) return;
      const code = errorCode(e);
      // Retries by itself; a session that is gone or a sign-in that may not read needs the user.
      const retrying = code !== 'unauthorized' && code !== 'forbidden';
      // The queue still counts: the screen says what is kept while the list is missing.
      const queued = await entries.catch(() => this.#m.queued);
      if (gen !== this.#generation) return;
      this.#update({ queued, sessionExpired: code === 'unauthorized', load: { kind: 'error', code, retrying } });
      if (retrying) this.#loadRetry.schedule();
    }
  }

  add(title: string): Promise<boolean> {
    const clean = title.trim();
    if (!clean || !this.#writable()) return Promise.resolve(false);
    return this.#enqueue({ kind: 'create', todoId: TEMP_PREFIX + crypto.randomUUID(), title: clean }, clean, undefined);
  }

  async toggle(id: string, completed: boolean): Promise<void> {
    const t = this.#find(id);
    if (t && this.#writable()) await this.#enqueue({ kind: 'update', todoId: id, patch: { completed } }, t.title, t.version);
  }

  async edit(id: string, title: string): Promise<void> {
    const clean = title.trim();
    const t = this.#find(id);
    if (t && clean && t.title !== clean && this.#writable()) {
      await this.#enqueue({ kind: 'update', todoId: id, patch: { title: clean } }, t.title, t.version);
    }
  }

  /** Queues the delete behind its Undo window. */
  async remove(id: string): Promise<void> {
    const t = this.#find(id);
    if (t && this.#writable()) await this.#enqueue({ kind: 'delete', todoId: id }, t.title, t.version, UNDO_MS + SEND_GRACE_MS);
  }

  /** Takes a queued delete back; the todo's id when it is back, else null (too late). */
  async undo(seq: number): Promise<string | null> {
    const offer = this.#snap.undo.find((u) => u.seq === seq);
    const taken = await this.#store.take(seq).catch(() => null);
    if (!taken) {
      if (offer) this.#update({ notice: { op: 'delete', title: offer.title, code: 'too_late' } });
      return null;
    }
    this.#update({ queued: this.#m.queued.filter((e) => e.seq !== seq) });
    this.#channel.post('queued');
    return taken.op.todoId;
  }

  /** The user's answer to a conflict (issue 9 item 4). */
  async resolve(seq: number, choice: 'mine' | 'theirs'): Promise<void> {
    const entry = this.#m.queued.find((e) => e.seq === seq);
    if (!entry?.conflict) return;
    await this.#store.resolved(entry, choice);
    this.#update({ queued: await this.#store.entries(this.#o.sub) });
    this.#channel.post('queued');
    this.#sender.run();
  }

  #writable(): boolean {
    return this.#m.load.kind === 'ready' && !this.#m.readOnly;
  }

  async #enqueue(op: OutboxOp, title: string, seen: number | undefined, delayMs = 0): Promise<boolean> {
    const now = this.#now();
    try {
      const entry = await this.#store.enqueue(
        { sub: this.#o.sub, key: crypto.randomUUID(), op, title, notBefore: now + delayMs, queuedAt: now },
        seen,
      );
      const queued = [...this.#m.queued.filter((e) => e.seq !== entry.seq), entry].sort((a, b) => a.seq - b.seq);
      this.#update({ queued, notice: null });
    } catch (e) {
      log.debug('could not queue', e);
      this.#update({ notice: { op: todoOp(op), title, code: 'storage' } });
      return false;
    }
    this.#channel.post('queued');
    this.#sender.run();
    return true;
  }

  #onSent(r: SendReport): void {
    // A request that was on its way when the user signed out still lands in the store; the screen is gone.
    if (this.#disposed) return;
    if (r.kind === 'saved' && r.todo && r.entry.op.kind === 'create') this.#keys.set(r.todo.id, r.entry.op.todoId);
    this.#m = afterReport(this.#m, r);
    this.#publish();
    if (r.kind === 'waiting' || r.kind === 'idle') return;
    this.#channel.post(r.kind === 'saved' ? 'saved' : 'queued');
    // Another tab may have queued meanwhile, and a saved create renamed its followers.
    void this.#reloadQueue();
  }

  #onRemote(kind: ChangeKind): void {
    if (this.#disposed) return;
    if (kind === 'saved') void this.#refresh();
    else void this.#reloadQueue();
    this.#sender.run();
  }

  async #reloadQueue(): Promise<void> {
    try {
      this.#update({ queued: await this.#store.entries(this.#o.sub) });
    } catch (e) {
      log.debug('could not read', e);
    }
  }

  /** Another tab saved something: read the queue and the list again, keeping the list on failure. */
  #refresh(): Promise<void> {
    if (this.#refreshing) {
      this.#refreshAgain = true;
      return this.#refreshing;
    }
    this.#refreshing = (async () => {
      do {
        this.#refreshAgain = false;
        if (this.#m.load.kind !== 'ready') {
          await this.load();
          return;
        }
        const gen = ++this.#generation;
        try {
          const [queued, base] = await Promise.all([this.#store.entries(this.#o.sub), this.#o.api.list()]);
          if (gen === this.#generation) this.#update({ queued, base });
        } catch (e) {
          log.debug('background refresh failed', e);
        }
        // Set again by a #refresh() call made while this round awaited (TS cannot see that).
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
      } while (this.#refreshAgain);
    })().finally(() => (this.#refreshing = undefined));
    return this.#refreshing;
  }

  #find(id: string): TodoView | undefined {
    const s = this.#snap.state;
    return s.kind === 'ready' ? s.todos.find((t) => t.id === id) : undefined;
  }

  #update(change: Partial<Model>): void {
    this.#m = { ...this.#m, ...change };
    this.#publish();
  }

  #publish(): void {
    if (this.#disposed) return;
    const now = this.#now();
    this.#snap = snapshotOf(this.#m, now, this.#keys);
    // The next Undo to close re-renders the list without it.
    clearTimeout(this.#undoTimer);
    const next = Math.min(...this.#snap.undo.map((u) => u.until));
    if (next !== Infinity) this.#undoTimer = setTimeout(() => this.#publish(), next - now);
    for (const l of this.#listeners) l(this.#snap);
  }
}
