import type { AuthErrorCode, Connection, SignedOutReason, UserProfile } from '../../sw/protocol.ts';
import { AUTH_ERROR_TEXT, LOAD_ERROR_TEXT, noticeText, UNAVAILABLE_TEXT } from './messages.ts';
import type { TodoApiErrorCode } from './todo-api.ts';
import type { TodosSnapshot, TodoView } from './todos-controller.ts';
import type { VaultStatus } from './vault-port.ts';

/** Everything the screen depends on; `deriveScreen` is pure so every state is testable. */
export interface ScreenInput {
  /** null until main.ts injects the vault. */
  readonly vault: VaultStatus | null;
  readonly todos: TodosSnapshot;
  readonly online: boolean;
  readonly authError: AuthErrorCode | null;
  readonly updateAvailable: boolean;
  readonly signingOut: boolean;
  readonly signOutFailed: boolean;
}

export type MainView =
  | { readonly kind: 'starting' }
  | { readonly kind: 'unavailable'; readonly text: string }
  | { readonly kind: 'signed-out'; readonly expired: boolean }
  /** The IdP wants the user before the session can come back: one action, "Continue as <name>". */
  | { readonly kind: 'continue'; readonly name: string | undefined }
  | { readonly kind: 'recovering' }
  | { readonly kind: 'signing-out' }
  | { readonly kind: 'loading' }
  | { readonly kind: 'load-failed'; readonly code: TodoApiErrorCode }
  | { readonly kind: 'list'; readonly todos: readonly TodoView[]; readonly readOnly: boolean; readonly saving: boolean };

export type BarView =
  | { readonly kind: 'hidden' }
  | { readonly kind: 'signed-out' }
  | { readonly kind: 'signed-in'; readonly user: UserProfile };

export type BannerAction = 'retry' | 'update' | 'dismiss' | 'reload';

export interface Banner {
  /** Stable per message kind: what a Dismiss acts on, and what tests look for. */
  readonly key: string;
  readonly tone: 'info' | 'warning' | 'error';
  readonly text: string;
  readonly action?: { readonly kind: BannerAction; readonly label: string };
}

export interface Screen {
  readonly main: MainView;
  readonly bar: BarView;
  readonly banners: readonly Banner[];
}

const SIGNED_OUT_TEXT: Partial<Record<SignedOutReason, string>> = {
  'signed-out': 'You have signed out.',
};

/** What the session's connection means for the user while it comes back by itself. */
const RECOVERING_TEXT: Record<Connection, string> = {
  ok: 'Reconnecting your session…',
  'idp-unreachable': 'The sign-in service is not answering. Reconnecting by itself as soon as it is back…',
  offline: 'Reconnecting your session once you are back online…',
};

const OFFLINE_TEXT = 'You are offline. Changes cannot be saved until the connection is back.';

export function deriveScreen(i: ScreenInput): Screen {
  const banners: Banner[] = [];
  if (i.updateAvailable) {
    banners.push({ key: 'update', tone: 'info', text: 'A new version of the app is available.', action: { kind: 'update', label: 'Reload to update' } });
  }
  if (i.authError) banners.push({ key: 'auth-error', tone: 'error', text: AUTH_ERROR_TEXT[i.authError] });

  const v = i.vault;
  if (!v || v.kind === 'starting') {
    // The offline shell starts without its session until the network is back: say why.
    if (!i.online) banners.push({ key: 'offline', tone: 'warning', text: OFFLINE_TEXT });
    return { main: { kind: 'starting' }, bar: { kind: 'hidden' }, banners };
  }
  if (v.kind === 'unavailable') {
    if (v.reason === 'failed') banners.push({ key: 'unavailable', tone: 'error', text: 'The app could not start.', action: { kind: 'reload', label: 'Reload' } });
    return { main: { kind: 'unavailable', text: UNAVAILABLE_TEXT[v.reason] }, bar: { kind: 'hidden' }, banners };
  }

  const session = v.session;
  const t = i.todos;
  if (i.signingOut) return { main: { kind: 'signing-out' }, bar: { kind: 'hidden' }, banners };

  if (session.status === 'signed-out' && session.reason === 'interaction-required') {
    return { main: { kind: 'continue', name: session.user.name ?? session.user.email }, bar: { kind: 'hidden' }, banners };
  }
  const expired = (session.status === 'signed-out' && session.reason === 'session-expired') || (session.status !== 'signed-out' && t.sessionExpired);
  if (expired || session.status === 'signed-out') {
    const text = expired ? LOAD_ERROR_TEXT.unauthorized : session.status === 'signed-out' ? SIGNED_OUT_TEXT[session.reason] : undefined;
    if (text) banners.push({ key: expired ? 'expired' : 'signed-out', tone: expired ? 'warning' : 'info', text });
    return { main: { kind: 'signed-out', expired }, bar: { kind: 'signed-out' }, banners };
  }

  const offline = !i.online || (t.state.kind === 'error' && t.state.code === 'offline');
  if (offline) banners.push({ key: 'offline', tone: 'warning', text: OFFLINE_TEXT });
  if (session.status === 'recovering') banners.push({ key: 'recovering', tone: 'info', text: RECOVERING_TEXT[session.connection] });
  if (i.signOutFailed) banners.push({ key: 'sign-out-failed', tone: 'error', text: 'Signing out did not work. Please try again.', action: { kind: 'dismiss', label: 'Dismiss' } });
  if (t.readOnly) banners.push({ key: 'read-only', tone: 'info', text: 'View only: your sign-in allows reading your todos but not changing them.' });
  if (t.notice && t.notice.code !== 'unauthorized') {
    banners.push({ key: 'notice', tone: 'error', text: noticeText(t.notice.op, t.notice.title, t.notice.code), action: { kind: 'dismiss', label: 'Dismiss' } });
  }

  const bar: BarView =
    session.status === 'signed-in' ? { kind: 'signed-in', user: session.user } : { kind: 'hidden' };

  switch (t.state.kind) {
    case 'ready': {
      const todos = t.state.todos;
      return { main: { kind: 'list', todos, readOnly: t.readOnly, saving: todos.some((x) => x.saving) }, bar, banners };
    }
    case 'error': {
      const code = t.state.code;
      // Offline already has its banner; the Retry sits next to the reason.
      const text = code === 'offline' ? 'Your todos will load when the connection is back.' : LOAD_ERROR_TEXT[code];
      banners.push({ key: 'load-error', tone: 'error', text, action: { kind: 'retry', label: 'Retry' } });
      return { main: { kind: 'load-failed', code }, bar, banners };
    }
    default:
      return { main: { kind: session.status === 'recovering' ? 'recovering' : 'loading' }, bar, banners };
  }
}
