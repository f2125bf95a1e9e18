import type { HintStore } from './context.ts';
import { STORES, inTransaction } from './idb.ts';

const KEY = 'session';

/** `{sub}` only: enough for a restarted SW to try recovery, useless to anyone who reads it. */
export class IdbHintStore implements HintStore {
  get(): Promise<{ sub: string } | null> {
    return inTransaction<{ sub: string } | null>(STORES.hint, 'readonly', (s, done) => {
      const r = s.get(KEY);
      r.onsuccess = () => {
        const v = r.result as { sub?: unknown } | undefined;
        done(typeof v?.sub === 'string' ? { sub: v.sub } : null);
      };
    });
  }
  async set(sub: string): Promise<void> {
    await inTransaction<void>(STORES.hint, 'readwrite', (s) => s.put({ sub }, KEY));
  }
  async clear(): Promise<void> {
    await inTransaction<void>(STORES.hint, 'readwrite', (s) => s.delete(KEY));
  }
}
