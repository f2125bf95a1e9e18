/**
 * Checks on messages from pages (STANDARDS A10): sender first, then version and shape. Pure
 * functions so they are unit-tested without a worker.
 */
import type { PageRequest, PageRequestType, ProtocolError } from './protocol.ts';

/**
 * Every request type, and whether an uncontrolled page may send it (only what reveals nothing and
 * changes no session state). A type added to the protocol without a line here fails to compile.
 */
const FROM_UNCONTROLLED = {
  hello: false,
  heartbeat: false,
  claim: true,
  'logout-ticket': false,
  'recovery-result': false,
  'skip-waiting': true,
} as const satisfies Record<PageRequestType, boolean>;

const TYPES: ReadonlySet<string> = new Set(Object.keys(FROM_UNCONTROLLED));

const ID = /^[A-Za-z0-9_-]{1,64}$/;

export function parseRequest(data: unknown): PageRequest | ProtocolError {
  const bad = (message: string): ProtocolError => ({ code: 'bad_message', message });
  if (typeof data !== 'object' || data === null) return bad('not an object');
  const d = data as Record<string, unknown>;
  if (d['v'] !== 1) return bad('unsupported protocol version');
  if (typeof d['id'] !== 'string' || !ID.test(d['id'])) return bad('missing or malformed id');
  if (typeof d['type'] !== 'string' || !TYPES.has(d['type'])) return bad('unknown type');
  const base = { v: 1 as const, id: d['id'] };
  switch (d['type'] as PageRequestType) {
    case 'hello':
      if (typeof d['believedSignedIn'] !== 'boolean') return bad('hello.believedSignedIn must be boolean');
      return { ...base, type: 'hello', believedSignedIn: d['believedSignedIn'] };
    case 'recovery-result':
      if (d['outcome'] !== 'done' && d['outcome'] !== 'timeout') return bad('recovery-result.outcome');
      return { ...base, type: 'recovery-result', outcome: d['outcome'] };
    case 'heartbeat':
      return { ...base, type: 'heartbeat' };
    case 'claim':
      return { ...base, type: 'claim' };
    case 'logout-ticket':
      return { ...base, type: 'logout-ticket' };
    case 'skip-waiting':
      return { ...base, type: 'skip-waiting' };
  }
}

export function isProtocolError(v: PageRequest | ProtocolError): v is ProtocolError {
  return 'code' in v;
}

export interface SenderFacts {
  /** `event.source` is a window client (not a worker, not null). */
  readonly isWindowClient: boolean;
  /** The client's URL origin. */
  readonly origin: string | null;
  /** The client is controlled by this SW (listed by `clients.matchAll()` without uncontrolled). */
  readonly controlled: boolean;
}

/** `null` when the sender may send this request type. */
export function checkSender(s: SenderFacts, swOrigin: string, type: PageRequestType): ProtocolError | null {
  if (!s.isWindowClient || s.origin !== swOrigin) return { code: 'forbidden_sender', message: 'not a window of this origin' };
  if (!s.controlled && !FROM_UNCONTROLLED[type]) return { code: 'not_controlled', message: 'the page is not controlled by this service worker' };
  return null;
}
