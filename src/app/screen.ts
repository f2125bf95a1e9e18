import type { AuthErrorCode, SignedOutReason, UserProfile } from '../../sw/protocol.ts';
import type { TodoApiErrorCode } from './todo-api.ts';
import type { TodosSnapshot } from './todos-state.ts';
import type { ConflictView, TodoView } from './todo-view.ts';
import type { VaultStatus } from './vault-port.ts';

/** The longer sentences (messages.ts), loaded on demand: the first screen needs none of them. */
export type Texts = typeof import('./messages.ts');

/** Everything the screen depends on; `deriveScreen` is pure so every state is testable. */
export interface ScreenInput {
  /** null until loaded: the banners and lines that need them wait for it (a moment). */
  readonly texts: Texts | null;
  /** null until main.ts injects the vault. */
  readonly vault: VaultStatus | null;
  readonly todos: TodosSnapshot;
  readonly online: boolean;
  readonly authError: AuthErrorCode | null;
  readonly updateAvailable: boolean;
  readonly signingOut: boolean;
  readonly signOutFailed: boolean;
  /** Who was signed in last on this page: shown (with Sign out) while the session reconnects. */
  readonly lastUser: UserProfile | null;
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
  | { readonly kind: 'load-failed'; readonly code: TodoApiErrorCode; readonly retrying: boolean; readonly queued: number }
  | {
      readonly kind: 'list';
      readonly todos: readonly TodoView[];
      readonly readOnly: boolean;
      /** A change is on its way to the API right now. */
      readonly saving: boolean;
      readonly conflicts: readonly ConflictView[];
    };

export type BarView =
  /** Nothing to offer yet (starting); its space stays reserved so the header does not jump. */
  { readonly kind: 'hidden' } | { readonly kind: 'signed-out' } | { readonly kind: 'signed-in'; readonly user: UserProfile };

export type BannerAction = 'retry' | 'update' | 'dismiss' | 'reload' | 'undo';

export interface Banner {
  /** Stable per message kind: what a Dismiss acts on, and what tests look for. */
  readonly key: string;
  readonly tone: 'info' | 'warning' | 'error';
  readonly text: string;
  readonly action?: { readonly kind: BannerAction; readonly label: string };
  /** What the action acts on, when the key alone does not say (the queued delete of an Undo). */
  readonly ref?: number;
}

export interface Screen {
  readonly main: MainView;
  readonly bar: BarView;
  readonly banners: readonly Banner[];
}

export const SESSION_EXPIRED_TEXT = 'Your session has expired. Sign in again to pick up where you left off.';

const SIGNED_OUT_TEXT: Partial<Record<SignedOutReason, string>> = {
  'signed-out': 'You have signed out.',
};

const OFFLINE_TEXT = 'You are offline. Changes you make are kept on this device and saved when the connection is back.';

export function deriveScreen(i: ScreenInput): Screen {
  const banners: Banner[] = [];
  if (i.updateAvailable) {
    banners.push({
      key: 'update',
      tone: 'info',
      text: 'A new version of the app is available.',
      action: { kind: 'update', label: 'Reload to update' },
    });
  }
  const texts = i.texts;
  if (i.authError && texts) banners.push({ key: 'auth-error', tone: 'error', text: texts.AUTH_ERROR_TEXT[i.authError] });

  const v = i.vault;
  if (!v || v.kind === 'starting') {
    // The offline shell starts without its session until the network is back: say why.
    if (!i.online) banners.push({ key: 'offline', tone: 'warning', text: OFFLINE_TEXT });
    return { main: { kind: 'starting' }, bar: { kind: 'hidden' }, banners };
  }
  if (v.kind === 'unavailable') {
    if (v.reason === 'failed')
      banners.push({ key: 'unavailable', tone: 'error', text: 'The app could not start.', action: { kind: 'reload', label: 'Reload' } });
    return { main: { kind: 'unavailable', text: texts?.UNAVAILABLE_TEXT[v.reason] ?? '' }, bar: { kind: 'hidden' }, banners };
  }

  const session = v.session;
  const t = i.todos;
  if (i.signingOut) return { main: { kind: 'signing-out' }, bar: { kind: 'hidden' }, banners };

  if (session.status === 'signed-out' && session.reason === 'interaction-required') {
    return { main: { kind: 'continue', name: session.user.name ?? session.user.email }, bar: { kind: 'hidden' }, banners };
  }
  const expired = (session.status === 'signed-out' && session.reason === 'session-expired') || (session.status !== 'signed-out' && t.sessionExpired);
  if (expired || session.status === 'signed-out') {
    const text = expired ? SESSION_EXPIRED_TEXT : session.status === 'signed-out' ? SIGNED_OUT_TEXT[session.reason] : undefined;
    if (text) banners.push({ key: expired ? 'expired' : 'signed-out', tone: expired ? 'warning' : 'info', text });
    return { main: { kind: 'signed-out', expired }, bar: { kind: 'signed-out' }, banners };
  }

  const offline = !i.online || (t.state.kind === 'error' && t.state.code === 'offline');
  if (offline) banners.push({ key: 'offline', tone: 'warning', text: OFFLINE_TEXT });
  const recovering = session.status === 'recovering';
  if (recovering) banners.push({ key: 'recovering', tone: 'info', text: texts?.RECOVERING_TEXT[session.connection] ?? 'Reconnecting your session…' });
  if (i.signOutFailed && texts)
    banners.push({ key: 'sign-out-failed', tone: 'error', text: texts.SIGN_OUT_FAILED_TEXT, action: { kind: 'dismiss', label: 'Dismiss' } });
  if (t.readOnly && texts) banners.push({ key: 'read-only', tone: 'info', text: texts.READ_ONLY_TEXT });
  // The list's texts come with the list's code, so they are there whenever a list state is.
  if (t.notice && texts) {
    banners.push({
      key: 'notice',
      tone: 'error',
      text: texts.noticeText(t.notice.op, t.notice.title, t.notice.code),
      action: { kind: 'dismiss', label: 'Dismiss' },
    });
  }
  if (t.conflicts.length && texts)
    banners.push({ key: 'conflict', tone: 'warning', text: texts.conflictText(t.conflicts.map((c) => c.theirs.title)) });
  // Offline and reconnecting already say why; otherwise the queue says what waits.
  if (t.waiting && !offline && !recovering && texts) banners.push({ key: 'waiting', tone: 'info', text: texts.waitingText(t.queued) });
  for (const u of t.undo)
    banners.push({ key: `undo-${u.seq}`, tone: 'info', text: `Deleted “${u.title}”.`, action: { kind: 'undo', label: 'Undo' }, ref: u.seq });

  const user = session.status === 'signed-in' ? session.user : i.lastUser;
  const bar: BarView = user ? { kind: 'signed-in', user } : { kind: 'hidden' };

  switch (t.state.kind) {
    case 'ready': {
      const todos = t.state.todos;
      const saving = todos.some((x) => x.pending === 'saving');
      return { main: { kind: 'list', todos, readOnly: t.readOnly, saving, conflicts: t.conflicts }, bar, banners };
    }
    case 'error': {
      const code = t.state.code;
      // Offline already has its banner; the Retry sits next to the reason.
      const text =
        code === 'offline'
          ? 'Your todos will load when the connection is back.'
          : (texts?.LOAD_ERROR_TEXT[code] ?? 'Your todos could not be loaded.');
      banners.push({ key: 'load-error', tone: 'error', text, action: { kind: 'retry', label: 'Retry' } });
      return { main: { kind: 'load-failed', code, retrying: t.state.retrying, queued: t.queued }, bar, banners };
    }
    default:
      return { main: { kind: recovering ? 'recovering' : 'loading' }, bar, banners };
  }
}
