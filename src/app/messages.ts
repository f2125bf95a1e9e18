import type { AuthErrorCode } from '../../sw/protocol.ts';
import type { TodoApiErrorCode } from './todo-api.ts';
import type { TodoOp } from './todos-controller.ts';
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
};

type Unavailable = Extract<VaultStatus, { kind: 'unavailable' }>['reason'];

export const UNAVAILABLE_TEXT: Record<Unavailable, string> = {
  unsupported:
    'This browser cannot run the part of the app that keeps your sign-in safe (service workers). Please use a current version of Chrome, Edge, Firefox or Safari.',
  'insecure-context': 'This page must be opened over HTTPS to sign in safely.',
  blocked:
    'Your browser settings turn off a feature this app needs to keep your sign-in safe (service workers). This often happens in private windows or under a company policy: try a normal window or another browser.',
  failed: 'The app could not start its secure sign-in helper. Reloading the page usually fixes this.',
};

/** Why the list could not load (banner text next to Retry). */
export const LOAD_ERROR_TEXT: Record<TodoApiErrorCode, string> = {
  unauthorized: 'Your session has expired. Sign in again to pick up where you left off.',
  forbidden: 'Your sign-in does not allow reading todos.',
  'not-found': 'The todo service could not find your list. Try again in a moment.',
  conflict: 'The todo service refused the request. Try again in a moment.',
  invalid: 'The todo service refused the request. Try again in a moment.',
  server: 'The todo service had a problem. Try again in a moment.',
  unreachable: 'The todo service cannot be reached right now. Check your connection, then try again.',
  offline: 'You are offline. Your todos will load when the connection is back.',
  'bad-response': 'The todo service sent an answer this app does not understand. Try again in a moment.',
  config: 'This app is not set up correctly: its configuration could not be loaded.',
};

const WHY: Record<TodoApiErrorCode, string> = {
  unauthorized: 'your session has expired',
  forbidden: 'your sign-in only allows viewing',
  'not-found': 'it was deleted elsewhere',
  conflict: 'it was changed elsewhere',
  invalid: 'the todo service refused it',
  server: 'the todo service had a problem',
  unreachable: 'the todo service cannot be reached',
  offline: 'you are offline',
  'bad-response': 'the todo service sent a garbled answer',
  config: 'the app is not set up correctly',
};

const VERB: Record<TodoOp, string> = { add: 'add', toggle: 'update', edit: 'rename', delete: 'delete' };

/** "Could not add “Buy milk”: you are offline. Nothing was changed." */
export function noticeText(op: TodoOp, title: string, code: TodoApiErrorCode): string {
  const why = WHY[code];
  const tail = code === 'not-found' ? '' : ' Nothing was changed.';
  return `Could not ${VERB[op]} “${title}”: ${why}.${tail}`;
}
