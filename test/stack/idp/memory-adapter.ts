import type { Adapter, AdapterPayload } from 'oidc-provider';

/**
 * A small in-memory store for oidc-provider (the IdP is a local test server; nothing needs to
 * outlive the process). Supplying one replaces the library's default adapter and its start-up
 * warning. One store is shared by all models of one provider instance, never across instances,
 * so tests that start several IdPs stay isolated.
 */
interface Entry {
  payload: AdapterPayload;
  expiresAt: number;
}

/** Models whose records hang off a grant and go when the grant is revoked. */
const GRANTABLE = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
]);

export function createMemoryAdapterFactory(): (model: string) => Adapter {
  const records = new Map<string, Entry>();
  const sessionsByUid = new Map<string, string>();
  const userCodes = new Map<string, string>();
  const grants = new Map<string, Set<string>>();

  const live = (key: string): AdapterPayload | undefined => {
    const entry = records.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= Date.now()) {
      records.delete(key);
      return undefined;
    }
    return entry.payload;
  };

  return (model: string): Adapter => {
    const key = (id: string) => `${model}:${id}`;
    return {
      async upsert(id, payload, expiresIn) {
        const expiresAt = typeof expiresIn === 'number' ? Date.now() + expiresIn * 1000 : Infinity;
        records.set(key(id), { payload, expiresAt });
        if (model === 'Session' && typeof payload.uid === 'string') sessionsByUid.set(payload.uid, id);
        if (typeof payload.userCode === 'string') userCodes.set(payload.userCode, id);
        if (GRANTABLE.has(model) && typeof payload.grantId === 'string') {
          const members = grants.get(payload.grantId) ?? new Set<string>();
          members.add(key(id));
          grants.set(payload.grantId, members);
        }
      },
      async find(id) {
        return live(key(id));
      },
      async findByUid(uid) {
        const id = sessionsByUid.get(uid);
        return id === undefined ? undefined : live(key(id));
      },
      async findByUserCode(userCode) {
        const id = userCodes.get(userCode);
        return id === undefined ? undefined : live(key(id));
      },
      async consume(id) {
        const payload = live(key(id));
        if (payload !== undefined) payload.consumed = Math.floor(Date.now() / 1000);
      },
      async destroy(id) {
        const payload = live(key(id));
        records.delete(key(id));
        if (payload !== undefined && typeof payload.uid === 'string' && sessionsByUid.get(payload.uid) === id) {
          sessionsByUid.delete(payload.uid);
        }
      },
      async revokeByGrantId(grantId) {
        for (const member of grants.get(grantId) ?? []) records.delete(member);
        grants.delete(grantId);
      },
    };
  };
}
