import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ApiError } from './errors.ts';
import type { Todo } from './todo-store.ts';

/**
 * Idempotency keys (draft-ietf-httpapi-idempotency-key-header): a client that retries a write
 * after an ambiguous failure sends the same `Idempotency-Key`, and gets the first answer back
 * instead of a second change.
 *
 * A key is consumed exactly when its write was applied: only outcomes that changed data are
 * remembered (201 create, 200 update, 204 delete). Anything that changed nothing (a 4xx from
 * validation, 404, 409 todo_limit_reached, 412 precondition_failed, a 5xx) is not remembered, so
 * the same key may be sent again with a fixed or repeated request.
 */

/** A remembered key answers replays for 24 hours after its first use, then is forgotten. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** Per user; when full, the oldest key is forgotten first. 1000 = the per-user todo cap. */
export const MAX_IDEMPOTENCY_KEYS_PER_USER = 1_000;

/** 1-128 visible ASCII characters (the brief's wire contract; a UUID fits with room to spare). */
const KEY_SYNTAX = /^[\x21-\x7e]{1,128}$/;

export interface IdempotencyClaim {
  readonly key: string;
  /** Hash of method, path and body: the same key with another request is refused (422). */
  readonly fingerprint: string;
}

/** What an applied write did. It fixes the answer: status, body and ETag derive from it. */
export type WriteOutcome =
  | { readonly kind: 'created'; readonly todo: Todo }
  | { readonly kind: 'updated'; readonly todo: Todo }
  | { readonly kind: 'deleted'; readonly id: string };

export interface IdempotencyRecord {
  readonly fingerprint: string;
  /** Milliseconds since the epoch of the first, applied request. */
  readonly createdAtMs: number;
  readonly outcome: WriteOutcome;
}

/** Records per user (`sub`) and key. Map order is insertion order, i.e. oldest first. */
export type KeyData = Map<string, Map<string, IdempotencyRecord>>;

/**
 * The request's `Idempotency-Key`, or undefined when it has none.
 * @throws ApiError `invalid_request` for a malformed key or more than one
 */
export function parseIdempotencyKey(req: Pick<IncomingMessage, 'headersDistinct'>): string | undefined {
  const values = req.headersDistinct['idempotency-key'];
  if (values === undefined) return undefined;
  const key = values.length === 1 ? values[0] : undefined;
  if (key === undefined || !KEY_SYNTAX.test(key)) {
    throw new ApiError('invalid_request', 'Idempotency-Key must be one value of 1-128 visible ASCII characters');
  }
  return key;
}

export function requestFingerprint(method: string, path: string, body: Buffer): string {
  const bodyHash = createHash('sha256').update(body).digest('base64url');
  return createHash('sha256').update(`${method} ${path} ${bodyHash}`).digest('base64url');
}

/**
 * The outcome remembered for this user and key, or undefined when the key is new (or expired).
 * @throws ApiError `idempotency_key_reused` when the key was used for another request
 */
export function recall(keys: KeyData, sub: string, claim: IdempotencyClaim, nowMs: number): WriteOutcome | undefined {
  const record = keys.get(sub)?.get(claim.key);
  if (record === undefined || isExpired(record, nowMs)) return undefined;
  if (record.fingerprint !== claim.fingerprint) throw keyReused();
  return record.outcome;
}

export function remember(
  keys: KeyData,
  sub: string,
  claim: IdempotencyClaim,
  outcome: WriteOutcome,
  nowMs: number,
  maxPerUser: number = MAX_IDEMPOTENCY_KEYS_PER_USER,
): void {
  let mine = keys.get(sub);
  if (mine === undefined) keys.set(sub, (mine = new Map<string, IdempotencyRecord>()));
  mine.delete(claim.key); // an expired record of the same key
  for (const [key, record] of mine) {
    if (!isExpired(record, nowMs) && mine.size < maxPerUser) break;
    mine.delete(key);
  }
  if (maxPerUser > 0) mine.set(claim.key, { fingerprint: claim.fingerprint, createdAtMs: nowMs, outcome });
}

export function isExpired(record: IdempotencyRecord, nowMs: number): boolean {
  return nowMs - record.createdAtMs >= IDEMPOTENCY_TTL_MS;
}

export function keyReused(): ApiError {
  return new ApiError('idempotency_key_reused', 'this Idempotency-Key was already used for a different request');
}

/** Records are immutable, so copying the maps is enough. */
export function cloneKeys(keys: KeyData): KeyData {
  return new Map([...keys].map(([sub, mine]) => [sub, new Map(mine)]));
}
