/**
 * Pending sign-in state (state, nonce, PKCE verifier, returnTo, created-at, mode) between
 * `/login` and `/callback`. It lives in IndexedDB so a SW stopped while the user is at the IdP
 * can still finish the sign-in. IndexedDB is page-writable, so `checkPending` re-checks every
 * field of what comes back against config before anything is used (BBA §8.2, issue 3 item 1).
 */
import type { VaultConfig } from './config.ts';
import { STORES, inTransaction } from './idb.ts';

/** How long a sign-in may take at the IdP. */
export const PENDING_TTL_MS = 10 * 60 * 1000;

export type SigninMode = 'interactive' | 'silent' | 'top-silent';

export interface PendingSignin {
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
  readonly returnTo: string;
  readonly createdAt: number;
  readonly mode: SigninMode;
  readonly issuer: string;
  readonly clientId: string;
  readonly redirectUri: string;
}

export interface PendingStore {
  put(entry: PendingSignin): Promise<void>;
  /** Reads and deletes the entry in one transaction: a state can be used once. */
  take(state: string): Promise<unknown>;
}

export type PendingErrorCode = 'pending-malformed' | 'pending-expired' | 'pending-mismatch';

export class PendingError extends Error {
  override readonly name = 'PendingError';
  constructor(
    readonly code: PendingErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A same-origin path or `/`: starts with exactly one `/` (not `//` or `/\`, which browsers treat
 * as another host), no control characters. Query kept; a fragment dropped.
 */
export function safeReturnTo(value: unknown): string {
  if (typeof value !== 'string' || value.length > 2048) return '/';
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return '/';
  try {
    const base = 'https://app.invalid';
    const u = new URL(value, base);
    const path = u.pathname + u.search;
    // Dot segments can normalise `/a/..//evil.example` into a protocol-relative `//evil.example`.
    if (u.origin !== base || path.startsWith('//') || path.startsWith('/\\')) return '/';
    return path;
  } catch {
    return '/';
  }
}

const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/; // RFC 7636 §4.1
const TOKEN = /^[A-Za-z0-9\-._~]{16,256}$/;
const MODES: ReadonlySet<string> = new Set<SigninMode>(['interactive', 'silent', 'top-silent']);

/** Re-checks an entry read back from page-writable storage; throws `PendingError`. */
export function checkPending(raw: unknown, expectedState: string, config: VaultConfig, now: number): PendingSignin {
  if (typeof raw !== 'object' || raw === null) throw new PendingError('pending-malformed', 'no pending sign-in');
  const r = raw as Record<string, unknown>;
  const createdAt = r['createdAt'];
  if (r['state'] !== expectedState) throw new PendingError('pending-mismatch', 'state differs');
  if (typeof r['nonce'] !== 'string' || !TOKEN.test(r['nonce'])) throw new PendingError('pending-malformed', 'nonce');
  if (typeof r['codeVerifier'] !== 'string' || !VERIFIER.test(r['codeVerifier'])) throw new PendingError('pending-malformed', 'verifier');
  if (typeof r['mode'] !== 'string' || !MODES.has(r['mode'])) throw new PendingError('pending-malformed', 'mode');
  if (typeof createdAt !== 'number' || !Number.isFinite(createdAt)) throw new PendingError('pending-malformed', 'createdAt');
  // A createdAt in the future is as suspicious as an old one.
  if (createdAt > now + 60_000 || now - createdAt > PENDING_TTL_MS) throw new PendingError('pending-expired', 'expired');
  if (r['issuer'] !== config.issuer || r['clientId'] !== config.clientId || r['redirectUri'] !== config.redirectUri) {
    throw new PendingError('pending-mismatch', 'issuer, client or redirect URI differ from config');
  }
  return {
    state: expectedState,
    nonce: r['nonce'],
    codeVerifier: r['codeVerifier'],
    returnTo: safeReturnTo(r['returnTo']),
    createdAt,
    mode: r['mode'] as SigninMode,
    issuer: config.issuer,
    clientId: config.clientId,
    redirectUri: config.redirectUri,
  };
}

export class IdbPendingStore implements PendingStore {
  constructor(private readonly now: () => number) {}

  async put(entry: PendingSignin): Promise<void> {
    const cutoff = this.now() - PENDING_TTL_MS;
    await inTransaction<void>(STORES.pending, 'readwrite', (s) => {
      // Abandoned sign-ins: drop expired entries so the store cannot grow without bound.
      const cursor = s.openCursor();
      cursor.onsuccess = () => {
        const c = cursor.result;
        if (!c) return;
        const v = c.value as { createdAt?: unknown } | null;
        if (typeof v?.createdAt !== 'number' || v.createdAt < cutoff) c.delete();
        c.continue();
      };
      s.put(entry, entry.state);
    });
  }

  take(state: string): Promise<unknown> {
    return inTransaction<unknown>(STORES.pending, 'readwrite', (s, done) => {
      const get = s.get(state);
      get.onsuccess = () => {
        done(get.result);
        s.delete(state);
      };
    });
  }
}

/** For unit tests and as a fallback when IndexedDB is unavailable (private modes). */
export class MemoryPendingStore implements PendingStore {
  readonly entries = new Map<string, unknown>();
  async put(entry: PendingSignin): Promise<void> {
    this.entries.set(entry.state, entry);
  }
  async take(state: string): Promise<unknown> {
    const v = this.entries.get(state);
    this.entries.delete(state);
    return v;
  }
}

/**
 * IndexedDB, falling back to memory when it fails (private modes, quota): a sign-in then only
 * survives while the SW stays alive, which is still better than not signing in at all.
 */
export class FallbackPendingStore implements PendingStore {
  private readonly memory = new MemoryPendingStore();
  constructor(private readonly primary: PendingStore) {}
  async put(entry: PendingSignin): Promise<void> {
    try {
      await this.primary.put(entry);
    } catch {
      await this.memory.put(entry);
    }
  }
  async take(state: string): Promise<unknown> {
    const local = await this.memory.take(state);
    if (local !== undefined) return local;
    return this.primary.take(state).catch(() => undefined);
  }
}
