/**
 * Every record in every IndexedDB database of a page's origin, read as page script can read it:
 * the one reader behind the leak scan, the storage checks and the pending sign-in entries.
 */
import type { Frame, Page } from 'playwright-core';

export interface IdbRecord {
  readonly db: string;
  readonly store: string;
  readonly key: IDBValidKey;
  readonly value: unknown;
}

/** Runs in the page (see `withIdbRecords`): opens each database, reads each store, closes it. */
export async function idbRecords(): Promise<IdbRecord[]> {
  const result = <T>(r: IDBRequest<T>) =>
    new Promise<T>((resolve, reject) => {
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
    });
  const out: IdbRecord[] = [];
  for (const info of await indexedDB.databases()) {
    const name = info.name;
    if (!name) continue;
    const db = await result(indexedDB.open(name));
    try {
      for (const store of Array.from(db.objectStoreNames)) {
        const s = db.transaction(store, 'readonly').objectStore(store);
        const [keys, values] = await Promise.all([result(s.getAllKeys()), result(s.getAll())]);
        keys.forEach((key, i) => out.push({ db: name, store, key, value: values[i] }));
      }
    } finally {
      db.close();
    }
  }
  return out;
}

/**
 * Calls `use` in the page with every record and returns what it returns. `use` runs in the page,
 * where values keep their types (a CryptoKey, an ArrayBuffer): it may not close over anything in
 * Node, and must return something Playwright can serialise.
 */
export function withIdbRecords<T>(frame: Page | Frame, use: (records: IdbRecord[]) => T | Promise<T>): Promise<T> {
  // tsx (esbuild keepNames) wraps nested functions in `__name(...)`, which the page lacks.
  return frame.evaluate<T>(`(async () => { const __name = (f) => f; return (${use.toString()})(await (${idbRecords.toString()})()); })()`);
}
