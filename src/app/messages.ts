/**
 * The app's longer sentences, loaded on demand (issue 10 item 6): the first screen needs none.
 * Every code a person can meet has a sentence that needs no knowledge of OAuth or HTTP.
 */
import type { AuthErrorCode, Connection } from '../../sw/protocol.ts';
import { SESSION_EXPIRED_TEXT } from './screen.ts';
import type { TodoApiErrorCode } from './todo-api.ts';
import type { NoticeCode, TodoOp } from './todos-state.ts';
import type { VaultStatus } from './vault-port.ts';

/** Every `auth_error` the callback can leave, as a sentence a person who never heard of OAuth understands. */
export const AUTH_ERROR_TEXT: Record<AuthErrorCode, string> = {
  access_denied: 'Sign-in was cancelled. You can sign in again whenever you are ready.',
  login_required: 'You are no longer signed in. Please sign in again.',
  interaction_required: 'The sign-in page needs a little more from you. Please sign in again.',
  state_mismatch: 'That sign-in attempt had expired or was already used, so it was stopped. Please sign in again.',
  issuer_mismatch: 'The sign-in answer came from an unexpected server, so it was ignored. Please sign in again.',
  bad_callback: 'The sign-in answer was incomplete, so it was ignored. Please sign in again.',
  token_exchange_failed: 'The sign-in service did not finish signing you in. Please try again.',
  id_token_invalid: 'The sign-in answer could not be verified, so it was ignored. Please try again.',
  idp_unreachable: 'The sign-in service could not be reached. Check your connection and try again.',
  idp_error: 'The sign-in service reported a problem. Please try again in a moment.',
  config_invalid: 'This app is not set up correctly, so signing in is not possible right now.',
  insecure_deployment:
    'Signing in is switched off: this site is served without the security headers that keep your sign-in safe. If you run this site, serve it with the headers `npm run headers` writes (README, "Deploying").',
};

type Unavailable = Extract<VaultStatus, { kind: 'unavailable' }>['reason'];

export const SIGN_OUT_FAILED_TEXT = 'Signing out did not work. Please try again.';
export const READ_ONLY_TEXT = 'View only: your sign-in allows reading your todos but not changing them.';

/** "Continue as <name>": why one click is needed (the sign-in service wants the user). */
export const CONTINUE_TEXT = 'The sign-in service needs you to confirm before your session can continue.';

/** What the session's connection means for the user while it comes back by itself. */
export const RECOVERING_TEXT: Record<Connection, string> = {
  ok: 'Reconnecting your session…',
  'idp-unreachable': 'The sign-in service is not answering. Reconnecting by itself as soon as it is back…',
  offline: 'Reconnecting your session once you are back online…',
};

export const UNAVAILABLE_TEXT: Record<Unavailable, string> = {
  unsupported:
    'This browser cannot run the part of the app that keeps your sign-in safe (service workers). Please use a current version of Chrome, Edge, Firefox or Safari.',
  'insecure-context': 'This page must be opened over HTTPS to sign in safely.',
  blocked:
    'Your browser settings turn off a feature this app needs to keep your sign-in safe (service workers). This often happens in private windows or under a company policy: try a normal window or another browser.',
  failed: 'The app could not start its secure sign-in helper. Reloading the page usually fixes this.',
};

/** Why the list could not load (banner text next to Retry; the app also retries by itself). */
export const LOAD_ERROR_TEXT: Record<TodoApiErrorCode, string> = {
  unauthorized: SESSION_EXPIRED_TEXT,
  forbidden: 'Your sign-in does not allow reading todos.',
  not_found: 'The todo service could not find your list. The app keeps trying.',
  conflict: 'The todo service refused the request. The app keeps trying.',
  invalid: 'The todo service refused the request. The app keeps trying.',
  server: 'The todo service had a problem. The app keeps trying.',
  reconnecting: 'Reconnecting your session. Your todos will load as soon as it is back.',
  unreachable: 'The todo service is not answering. Your todos will load as soon as it is back.',
  offline: 'You are offline. Your todos will load when the connection is back.',
  bad_response: 'The todo service sent an answer this app does not understand. The app keeps trying.',
  config: 'This app is not set up correctly: its configuration could not be loaded.',
};

const WHY: Record<Exclude<NoticeCode, 'not_found' | 'too_late'>, string> = {
  invalid: 'the todo service refused it',
  forbidden: 'your sign-in only allows viewing',
  storage: 'this browser would not let the app keep the change',
};

const VERB: Record<TodoOp, string> = { add: 'add', toggle: 'update', edit: 'rename', delete: 'delete' };

/** "Could not rename “Buy milk”: it was deleted elsewhere." */
export function noticeText(op: TodoOp, title: string, code: NoticeCode): string {
  const t = `“${title}”`;
  if (code === 'too_late') return `Too late to undo: ${t} is already deleted.`;
  if (code === 'not_found')
    return op === 'delete' ? `${t} had already been deleted elsewhere.` : `Could not ${VERB[op]} ${t}: it was deleted elsewhere.`;
  return `Could not ${VERB[op]} ${t}: ${WHY[code]}. Nothing was changed.`;
}

const plural = (n: number, one: string, many: string) => (n === 1 ? one : many.replace('#', String(n)));

/** The queue is waiting (API down, an error): what is kept, and that it goes by itself. */
export const waitingText = (n: number): string =>
  plural(
    n,
    '1 change is not saved yet. It is kept on this device and will sync by itself.',
    '# changes are not saved yet. They are kept on this device and will sync by themselves.',
  );

export const conflictText = (titles: readonly string[]): string =>
  titles.length === 1
    ? `“${titles[0]}” was changed somewhere else before your change was saved. Choose which version to keep.`
    : `${titles.length} todos were changed somewhere else before your changes were saved. Choose which versions to keep.`;

/** Under "Your todos could not be loaded", when changes made here wait in the outbox. */
export const queuedOnFailText = (n: number): string =>
  plural(n, 'Your 1 change made here is kept and will sync by itself.', 'Your # changes made here are kept and will sync by themselves.');
