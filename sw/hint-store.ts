/**
 * What a restarted SW knows of the session it lost: who (`sub`, and `name` for "Continue as
 * <name>") and whether the IdP last wanted the user to act. Never a token: page script can read
 * and write this (IndexedDB), so it is only a hint. A forged hint can make the SW try a silent
 * sign-in or show a name, nothing more.
 */
import { STORES, inTransaction } from './idb.ts';
import type { UserProfile } from './protocol.ts';

export interface SessionHint {
  readonly user: UserProfile;
  /** The IdP refused a silent sign-in with something other than login_required: wait for the user. */
  readonly needsInteraction: boolean;
}

export interface HintStore {
  get(): Promise<SessionHint | null>;
  set(hint: SessionHint): Promise<void>;
  clear(): Promise<void>;
}

const KEY = 'session';

function parse(v: unknown): SessionHint | null {
  const r = v as { sub?: unknown; name?: unknown; needsInteraction?: unknown } | undefined;
  if (typeof r?.sub !== 'string' || r.sub === '' || r.sub.length > 255) return null;
  const user: UserProfile = typeof r.name === 'string' ? { sub: r.sub, name: r.name.slice(0, 200) } : { sub: r.sub };
  return { user, needsInteraction: r.needsInteraction === true };
}

export class IdbHintStore implements HintStore {
  get(): Promise<SessionHint | null> {
    return inTransaction<SessionHint | null>(STORES.hint, 'readonly', (s, done) => {
      const r = s.get(KEY);
      r.onsuccess = () => done(parse(r.result));
    });
  }
  async set(hint: SessionHint): Promise<void> {
    const { sub, name } = hint.user;
    await inTransaction<undefined>(STORES.hint, 'readwrite', (s) =>
      s.put({ sub, ...(name !== undefined ? { name } : {}), needsInteraction: hint.needsInteraction }, KEY),
    );
  }
  async clear(): Promise<void> {
    await inTransaction<undefined>(STORES.hint, 'readwrite', (s) => s.delete(KEY));
  }
}
