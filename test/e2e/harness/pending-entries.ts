/**
 * The pending sign-ins the SW keeps in IndexedDB, read and written as page script can (that is
 * the point: the SW must not trust them). Entries are oidc-client-ts `SigninState` storage
 * strings; tests parse and rewrite them.
 */
import type { Page } from 'playwright-core';
import { withIdbRecords } from './idb-records.ts';

export interface PendingEntry {
  readonly db: string;
  readonly store: string;
  readonly key: string;
  readonly value: Record<string, unknown>;
}

export async function pendingEntries(page: Page): Promise<PendingEntry[]> {
  const raw = await withIdbRecords(page, (records) =>
    records.flatMap(({ db, store, key, value }) =>
      typeof key === 'string' && typeof value === 'string' && value.includes('"code_verifier"') ? [{ db, store, key, value }] : [],
    ),
  );
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
