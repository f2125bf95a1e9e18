import type { Adapter, AdapterPayload } from 'oidc-provider';

/**
 * The store behind oidc-provider's adapter: every model's records in one map per provider
 * instance, never shared across instances, so tests that start several IdPs stay isolated.
 * Supplying one replaces the library's default adapter and its start-up warning. Memory only,
 * unless `persist` is given: then every change is handed to it and the adapter call resolves
 * only once it has (file-adapter.ts writes the records to a file that way).
 */
export interface AdapterEntry {
  readonly payload: AdapterPayload;
  /** Milliseconds since the epoch; Infinity when oidc-provider gave the record no lifetime. */
  readonly expiresAt: number;
}

/** Records by `${model}:${id}`. */
export type AdapterRecords = ReadonlyMap<string, AdapterEntry>;

/**
 * Bounded, so a script that starts authorizations in a loop cannot grow memory (or the data
 * file) without limit. Far above what a local IdP holds; when it is reached, expired records go
 * first, then the ones closest to expiry (down to 90 %, so eviction is not paid on every write).
 */
export const MAX_ADAPTER_ENTRIES = 10_000;

export interface AdapterStoreOptions {
  readonly initial?: AdapterRecords;
  /** Gets the live records after every change (expired ones are already gone). */
  readonly persist?: (records: AdapterRecords) => Promise<void>;
  readonly maxEntries?: number;
  readonly now?: () => number;
}

/** Models whose records hang off a grant and go when the grant is revoked. */
const GRANTABLE = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest']);

export function createMemoryAdapterFactory(opts: AdapterStoreOptions = {}): (model: string) => Adapter {
  const now = opts.now ?? Date.now;
  const maxEntries = opts.maxEntries ?? MAX_ADAPTER_ENTRIES;
  const records = new Map<string, AdapterEntry>();
  const sessionsByUid = new Map<string, string>();
  const userCodes = new Map<string, string>();
  const grants = new Map<string, Set<string>>();

  const modelOf = (key: string): string => key.slice(0, key.indexOf(':'));
  const idOf = (key: string): string => key.slice(key.indexOf(':') + 1);

  const add = (key: string, entry: AdapterEntry): void => {
    remove(key);
    records.set(key, entry);
    const { payload } = entry;
    if (modelOf(key) === 'Session' && typeof payload.uid === 'string') sessionsByUid.set(payload.uid, idOf(key));
    if (typeof payload.userCode === 'string') userCodes.set(payload.userCode, idOf(key));
    if (GRANTABLE.has(modelOf(key)) && typeof payload.grantId === 'string') {
      const members = grants.get(payload.grantId) ?? new Set<string>();
      members.add(key);
      grants.set(payload.grantId, members);
    }
  };

  /** Removes a record and every index entry that points at it. */
  const remove = (key: string): void => {
    const entry = records.get(key);
    if (entry === undefined) return;
    records.delete(key);
    const { payload } = entry;
    if (modelOf(key) === 'Session' && typeof payload.uid === 'string' && sessionsByUid.get(payload.uid) === idOf(key)) {
      sessionsByUid.delete(payload.uid);
    }
    if (typeof payload.userCode === 'string' && userCodes.get(payload.userCode) === idOf(key)) userCodes.delete(payload.userCode);
    if (typeof payload.grantId === 'string') {
      const members = grants.get(payload.grantId);
      members?.delete(key);
      if (members?.size === 0) grants.delete(payload.grantId);
    }
  };

  const pruneExpired = (): void => {
    const t = now();
    for (const [key, entry] of records) if (entry.expiresAt <= t) remove(key);
  };

  const enforceBound = (): void => {
    if (records.size <= maxEntries) return;
    pruneExpired();
    if (records.size <= maxEntries) return;
    const soonestFirst = [...records].sort(([, a], [, b]) => a.expiresAt - b.expiresAt);
    const target = Math.floor(maxEntries * 0.9);
    for (const [key] of soonestFirst.slice(0, records.size - target)) remove(key);
  };

  const changed = async (): Promise<void> => {
    if (opts.persist === undefined) return;
    pruneExpired();
    await opts.persist(records);
  };

  const live = (key: string): AdapterPayload | undefined => {
    const entry = records.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= now()) {
      remove(key);
      return undefined;
    }
    return entry.payload;
  };

  for (const [key, entry] of opts.initial ?? []) if (entry.expiresAt > now()) add(key, entry);
  enforceBound();

  return (model: string): Adapter => {
    const key = (id: string) => `${model}:${id}`;
    return {
      async upsert(id, payload, expiresIn) {
        const expiresAt = typeof expiresIn === 'number' ? now() + expiresIn * 1000 : Infinity;
        add(key(id), { payload, expiresAt });
        enforceBound();
        await changed();
      },
      find(id) {
        return Promise.resolve(live(key(id)));
      },
      findByUid(uid) {
        const id = sessionsByUid.get(uid);
        return Promise.resolve(id === undefined ? undefined : live(key(id)));
      },
      findByUserCode(userCode) {
        const id = userCodes.get(userCode);
        return Promise.resolve(id === undefined ? undefined : live(key(id)));
      },
      async consume(id) {
        const payload = live(key(id));
        if (payload === undefined) return;
        payload.consumed = Math.floor(now() / 1000);
        await changed();
      },
      async destroy(id) {
        remove(key(id));
        await changed();
      },
      async revokeByGrantId(grantId) {
        for (const member of [...(grants.get(grantId) ?? [])]) remove(member);
        await changed();
      },
    };
  };
}
