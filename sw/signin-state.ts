/**
 * Pending sign-ins between `/login` and `/callback`, as oidc-client-ts's `StateStore`.
 *
 * The library writes a `SigninState` (state id, PKCE verifier, nonce, authority, client_id,
 * redirect_uri, scope, extraTokenParams, ...) and, at the callback, reads it back whole and builds
 * the token request from it: in 3.5.0 only `authority` and `client_id` are compared with its
 * settings, and `...extraTokenParams` is spread after `client_id`/`redirect_uri`. The entry must
 * survive a stopped SW, so besides a memory copy it lives in IndexedDB, which page script can
 * write (BBA §8.2). So what this store hands back to the library is never the stored string:
 * - every protocol field is rebuilt from config (and a stored value that differs is refused);
 * - the verifier, nonce, age and app data are checked;
 * - the entry must match the commitment (SHA-256 of its own fields) that `/login` put into the
 *   `state` parameter sent to the IdP, which the IdP's real callback brings back: a rewritten
 *   verifier, nonce or returnTo of a valid shape is still caught;
 * - it is read and deleted in one transaction, once.
 * What it cannot catch: an entry planted whole under a new state by script that then starts its
 * own authorization request (SECURITY.md, "Plant a fully consistent pending sign-in").
 */
import type { StateStore } from 'oidc-client-ts';
import type { VaultConfig } from './config.ts';
import { SwError, type PendingErrorCode } from './errors.ts';
import { logger } from './log.ts';
import { sha256 } from './random.ts';
import { safeReturnTo } from './return-to.ts';

/** How long a sign-in may take at the IdP. */
export const PENDING_TTL_MS = 10 * 60 * 1000;
/** A clock a little ahead of ours (another SW instance, a corrected clock) is not tampering. */
const CLOCK_SKEW_MS = 60_000;

export type SigninMode = 'interactive' | 'silent' | 'top-silent';

/** What the app round-trips through the library's `state` data. */
export interface SigninData {
  readonly returnTo: string;
  readonly mode: SigninMode;
  /** Silent attempts only: the session generation they belong to (handlers/login.ts `generationId`). */
  readonly gen?: string;
  /** The retry of a sign-in whose DPoP key a SW restart lost. */
  readonly again?: true;
}

/** A consumed, verified sign-in: what the callback may act on. */
export interface VerifiedSignin {
  readonly state: string;
  readonly nonce: string;
  readonly data: SigninData;
}

export class PendingError extends SwError<PendingErrorCode> {
  override readonly name = 'PendingError';
}

/** The persistence under the store: IndexedDB in the SW (pending-idb.ts), a Map in tests. */
export interface PendingBackend {
  put(key: string, value: string): Promise<void>;
  /** Reads and deletes the entry in one transaction. */
  take(key: string): Promise<unknown>;
}

/** The fields the commitment covers: everything that decides the token request or where it lands. */
interface Committed {
  readonly id: string;
  readonly code_verifier: string | undefined;
  readonly nonce: string | undefined;
  readonly created: number;
  readonly data?: unknown;
}

/** base64url SHA-256 of the entry's committed fields, in a fixed order. */
export function commitment(s: Committed): Promise<string> {
  const d = (s.data ?? {}) as Partial<Record<keyof SigninData, unknown>>;
  return sha256(JSON.stringify(['v1', s.id, s.code_verifier, s.nonce, s.created, d.returnTo, d.mode, d.gen ?? null, d.again ?? null]));
}

/** The library's separator between its state id and `url_state` in the `state` parameter. */
const URL_STATE_DELIMITER = ';';

/** `state=<id>;<commitment>`: the library strips what follows the delimiter as `url_state`. */
export function stateParam(id: string, commit: string): string {
  return `${id}${URL_STATE_DELIMITER}${commit}`;
}

export function parseStateParam(raw: string): { readonly id: string; readonly commitment: string | undefined } {
  const at = raw.indexOf(URL_STATE_DELIMITER);
  return at < 0 ? { id: raw, commitment: undefined } : { id: raw.slice(0, at), commitment: raw.slice(at + 1) };
}

/** RFC 8707: one access token, one audience: the token requests name the first resource only. */
export function tokenParams(config: VaultConfig): Record<string, string> {
  const first = config.resource?.[0];
  return first === undefined ? {} : { resource: first };
}

const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/; // RFC 7636 §4.1
const TOKEN = /^[A-Za-z0-9\-._~]{16,256}$/;
const MODES: ReadonlySet<string> = new Set<SigninMode>(['interactive', 'silent', 'top-silent']);

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? {}) === JSON.stringify(b ?? {});
}

/**
 * Checks an entry read back from (page-writable) storage against the key it was stored under,
 * the commitment from the callback URL and config; returns the storage string the library may
 * use, rebuilt from config, and what the callback needs. Throws `PendingError`.
 */
export async function verifyEntry(
  raw: unknown,
  key: string,
  expected: string | undefined,
  config: VaultConfig,
  now: number,
): Promise<{ readonly storage: string; readonly signin: VerifiedSignin }> {
  if (raw === undefined) throw new PendingError('pending_missing', 'no pending sign-in for this state');
  if (typeof raw !== 'string') throw new PendingError('pending_malformed', 'entry is not a string');
  let e: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== 'object' || parsed === null) throw new TypeError('not an object');
    e = parsed as Record<string, unknown>;
  } catch {
    throw new PendingError('pending_malformed', 'entry is not a JSON object');
  }
  const { id, code_verifier: verifier, nonce, created, data } = e;
  if (id !== key) throw new PendingError('pending_mismatch', 'entry stored under another state');
  if (typeof verifier !== 'string' || !VERIFIER.test(verifier)) throw new PendingError('pending_malformed', 'verifier');
  if (typeof nonce !== 'string' || !TOKEN.test(nonce)) throw new PendingError('pending_malformed', 'nonce');
  if (typeof created !== 'number' || !Number.isFinite(created)) throw new PendingError('pending_malformed', 'created');
  // The library counts `created` in epoch seconds.
  const age = now - created * 1000;
  if (age > PENDING_TTL_MS || age < -CLOCK_SKEW_MS) throw new PendingError('pending_expired', 'expired');
  const d = data as Partial<Record<keyof SigninData, unknown>> | null;
  if (typeof d !== 'object' || d === null || typeof d.mode !== 'string' || !MODES.has(d.mode)) {
    throw new PendingError('pending_malformed', 'data');
  }
  if (d.gen !== undefined && (typeof d.gen !== 'string' || d.gen.length > 64)) throw new PendingError('pending_malformed', 'data.gen');
  const protocol = {
    authority: config.issuer,
    client_id: config.clientId,
    redirect_uri: config.redirectUri,
    scope: config.scope,
    response_mode: 'query',
  } as const;
  for (const [field, value] of Object.entries(protocol)) {
    if (e[field] !== value) throw new PendingError('pending_mismatch', `${field} differs from config`);
  }
  if (e['client_secret'] != null || e['request_type'] != null || e['url_state'] != null) {
    throw new PendingError('pending_mismatch', 'fields a public client never stores');
  }
  if (!sameJson(e['extraTokenParams'], tokenParams(config))) throw new PendingError('pending_mismatch', 'extraTokenParams');
  if (expected === undefined || expected !== (await commitment({ id: key, code_verifier: verifier, nonce, created, data }))) {
    throw new PendingError('pending_mismatch', 'entry does not match the state sent to the IdP');
  }
  const signinData: SigninData = {
    returnTo: safeReturnTo(d.returnTo),
    mode: d.mode as SigninMode,
    ...(typeof d.gen === 'string' ? { gen: d.gen } : {}),
    ...(d.again === true ? { again: true as const } : {}),
  };
  const storage = JSON.stringify({
    id: key,
    data: signinData,
    created,
    code_verifier: verifier,
    nonce,
    ...protocol,
    extraTokenParams: tokenParams(config),
    skipUserInfo: true,
  });
  return { storage, signin: { state: key, nonce, data: signinData } };
}

const log = logger('signin-state');
/** Remembered spent state ids, so a second read within this SW instance finds nothing. */
const MAX_SPENT = 256;
/** Outcomes nobody asked for (house-cleaning removals) must not pile up. */
const MAX_OUTCOMES = 32;

function bounded<K>(keys: { size: number; keys(): IterableIterator<K>; delete(k: K): boolean }, max: number): void {
  while (keys.size > max) keys.delete(keys.keys().next().value as K);
}

/**
 * The store the SW's `OidcClient` uses. The callback calls `expect(id, commitment)` before
 * `processSigninResponse`, and `outcome(id)` after it to learn what the verification decided.
 */
export class VerifiedStateStore implements StateStore {
  readonly #memory = new Map<string, string>();
  readonly #spent = new Set<string>();
  readonly #expected = new Map<string, string>();
  readonly #outcomes = new Map<string, VerifiedSignin | PendingError>();

  constructor(
    private readonly config: VaultConfig,
    private readonly backend: PendingBackend,
    private readonly now: () => number,
  ) {}

  async set(key: string, value: string): Promise<void> {
    this.#memory.set(key, value);
    // Only sign-ins need to survive a stopped SW; a sign-out's `state` has nothing to resume.
    if (!value.includes('"code_verifier"')) return;
    await this.backend.put(key, value).catch((e: unknown) => {
      // Private modes and full quotas: the sign-in then survives only while this SW lives.
      log.debug('pending sign-in kept in memory only', { reason: e instanceof Error ? e.name : 'unknown' });
    });
  }

  /** The library peeks only while house-cleaning (`clearStaleState`): memory copies, never storage. */
  get(key: string): Promise<string | null> {
    return Promise.resolve(this.#memory.get(key) ?? null);
  }

  getAllKeys(): Promise<string[]> {
    return Promise.resolve([...this.#memory.keys()]);
  }

  /** The commitment the callback URL carries for `id` (missing means the entry cannot pass). */
  expect(id: string, commit: string | undefined): void {
    if (commit !== undefined) this.#expected.set(id, commit);
  }

  /** What the last `remove(id)` decided (read once). */
  outcome(id: string): VerifiedSignin | PendingError | undefined {
    const o = this.#outcomes.get(id);
    this.#outcomes.delete(id);
    return o;
  }

  async remove(key: string): Promise<string | null> {
    const expected = this.#expected.get(key);
    this.#expected.delete(key);
    if (this.#spent.has(key)) return this.#refuse(key, new PendingError('pending_missing', 'state already used'));
    this.#spent.add(key);
    bounded(this.#spent, MAX_SPENT);
    // The memory copy (never page-written) wins; the stored one is deleted either way, in one
    // transaction, so no second reader (another callback, a restarted SW) can have it.
    const memory = this.#memory.get(key);
    this.#memory.delete(key);
    const stored = await this.backend.take(key).catch((e: unknown) => {
      log.debug('pending sign-in could not be read back', { reason: e instanceof Error ? e.name : 'unknown' });
      return undefined;
    });
    try {
      const { storage, signin } = await verifyEntry(memory ?? stored, key, expected, this.config, this.now());
      this.#record(key, signin);
      return storage;
    } catch (e) {
      return this.#refuse(key, e instanceof PendingError ? e : new PendingError('pending_malformed', 'unreadable entry'));
    }
  }

  #refuse(key: string, e: PendingError): null {
    log.debug('pending sign-in refused', { code: e.code });
    this.#record(key, e);
    return null;
  }

  #record(key: string, outcome: VerifiedSignin | PendingError): void {
    this.#outcomes.set(key, outcome);
    bounded(this.#outcomes, MAX_OUTCOMES);
  }
}

/** For unit tests: a Map with the same one-time `take`. */
export class MemoryPendingBackend implements PendingBackend {
  readonly entries = new Map<string, unknown>();
  put(key: string, value: string): Promise<void> {
    this.entries.set(key, value);
    return Promise.resolve();
  }
  take(key: string): Promise<unknown> {
    const v = this.entries.get(key);
    this.entries.delete(key);
    return Promise.resolve(v);
  }
}
