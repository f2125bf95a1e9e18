/**
 * The pending sign-ins the SW keeps in IndexedDB, read and written as page script can (that is
 * the point: the SW must not trust them). Entries are oidc-client-ts `SigninState` storage
 * strings; tests parse and rewrite them.
 */
import type { Page } from 'playwright-core';

export interface PendingEntry {
  readonly db: string;
  readonly store: string;
  readonly key: string;
  readonly value: Record<string, unknown>;
}

export async function pendingEntries(page: Page): Promise<PendingEntry[]> {
  const raw = await page.evaluate(async () => {
    const out: { db: string; store: string; key: string; value: string }[] = [];
    for (const info of await indexedDB.databases()) {
      const db = await new Promise<IDBDatabase>((res, rej) => {
        const r = indexedDB.open(info.name!);
        r.onsuccess = () => res(r.result);
        r.onerror = () => rej(r.error ?? new Error('indexedDB.open failed'));
      });
      for (const store of Array.from(db.objectStoreNames)) {
        const s = db.transaction(store).objectStore(store);
        const [keys, values] = await Promise.all(
          [s.getAllKeys(), s.getAll()].map((r) => new Promise<unknown[]>((res) => (r.onsuccess = () => res(r.result as unknown[])))),
        );
        keys!.forEach((k, i) => {
          const v = values![i];
          if (typeof v === 'string' && v.includes('"code_verifier"')) out.push({ db: info.name!, store, key: String(k), value: v });
        });
      }
      db.close();
    }
    return out;
  });
  return raw.map((e) => ({ ...e, value: JSON.parse(e.value) as Record<string, unknown> }));
}

/** Writes an entry as page script can: same database and store the SW uses. */
export async function writeEntry(page: Page, at: Pick<PendingEntry, 'db' | 'store'>, key: string, value: Record<string, unknown>): Promise<void> {
  await page.evaluate(
    async ([dbName, storeName, k, v]) => {
      const db = await new Promise<IDBDatabase>((res, rej) => {
        const r = indexedDB.open(dbName);
        r.onsuccess = () => res(r.result);
        r.onerror = () => rej(r.error ?? new Error('indexedDB.open failed'));
      });
      await new Promise<void>((res, rej) => {
        const tx = db.transaction(storeName, 'readwrite');
        tx.objectStore(storeName).put(v, k);
        tx.oncomplete = () => res();
        tx.onerror = () => rej(tx.error ?? new Error('IndexedDB write failed'));
      });
      db.close();
    },
    [at.db, at.store, key, JSON.stringify(value)] as const,
  );
}
