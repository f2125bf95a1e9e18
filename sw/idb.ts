/**
 * The SW's one IndexedDB database. It holds only non-secret or short-lived data (pending
 * sign-in state until its callback, a `{sub}` hint): page scripts of this origin can read and
 * write it (STANDARDS A8), so whatever is read back is re-checked before use.
 */
const DB_NAME = 'sw-token-vault';
export const STORES = { pending: 'pending', hint: 'hint' } as const;

let dbPromise: Promise<IDBDatabase> | undefined;

export function openDb(): Promise<IDBDatabase> {
  dbPromise ??= new Promise<IDBDatabase>((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => {
      const db = req.result;
      for (const name of Object.values(STORES)) if (!db.objectStoreNames.contains(name)) db.createObjectStore(name);
    };
    req.onsuccess = () => {
      const db = req.result;
      // Someone (a page script, devtools) deleted or upgraded the database: reopen next time.
      db.onversionchange = () => {
        db.close();
        dbPromise = undefined;
      };
      resolve(db);
    };
    req.onerror = () => reject(req.error ?? new Error('indexedDB open failed'));
    req.onblocked = () => reject(new Error('indexedDB blocked'));
  });
  dbPromise.catch(() => {
    dbPromise = undefined;
  });
  return dbPromise;
}

/** Runs `body` in one transaction and resolves with its value once the transaction committed. */
export async function inTransaction<T>(
  store: string,
  mode: IDBTransactionMode,
  body: (s: IDBObjectStore, done: (value: T) => void) => void,
): Promise<T> {
  const db = await openDb();
  return new Promise<T>((resolve, reject) => {
    const tx = db.transaction(store, mode);
    let value: T;
    tx.oncomplete = () => resolve(value);
    tx.onerror = () => reject(tx.error ?? new Error('transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
    body(tx.objectStore(store), (v) => {
      value = v;
    });
  });
}
