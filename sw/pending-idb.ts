/** Pending sign-ins in the SW's IndexedDB (see signin-state.ts for why nothing read back is trusted). */
import { STORES, inTransaction } from './idb.ts';
import { PENDING_TTL_MS, type PendingBackend } from './signin-state.ts';

export class IdbPendingBackend implements PendingBackend {
  constructor(private readonly now: () => number) {}

  async put(key: string, value: string): Promise<void> {
    const cutoff = this.now() - PENDING_TTL_MS;
    await inTransaction<undefined>(STORES.pending, 'readwrite', (s) => {
      // Abandoned sign-ins: drop expired or unreadable entries so the store cannot grow without bound.
      const cursor = s.openCursor();
      cursor.onsuccess = () => {
        const c = cursor.result;
        if (!c) return;
        if (createdMs(c.value) < cutoff) c.delete();
        c.continue();
      };
      s.put(value, key);
    });
  }

  take(key: string): Promise<unknown> {
    return inTransaction<unknown>(STORES.pending, 'readwrite', (s, done) => {
      const get = s.get(key);
      get.onsuccess = () => {
        done(get.result);
        s.delete(key);
      };
    });
  }
}

/** The library's `created` (epoch seconds) in ms; anything unreadable counts as ancient. */
function createdMs(value: unknown): number {
  try {
    const created = (JSON.parse(String(value)) as { created?: unknown }).created;
    return typeof created === 'number' ? created * 1000 : 0;
  } catch {
    return 0;
  }
}
