/**
 * The todo list as the screen sees it. Types and the idle value only: the shell imports this
 * before first render, the controller that fills it comes on demand (todos-controller.ts).
 */
import type { TodoApiErrorCode } from './todo-api.ts';
import type { ConflictView, TodoView, UndoOffer } from './todo-view.ts';

/** The list's lifecycle, explicit (no loose booleans): idle -> loading -> ready | error. */
export type TodosState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'loading' }
  | { readonly kind: 'ready'; readonly todos: readonly TodoView[] }
  /** `retrying`: the app tries again by itself (not for a session that is gone or may not read). */
  | { readonly kind: 'error'; readonly code: TodoApiErrorCode; readonly retrying: boolean };

export type TodoOp = 'add' | 'toggle' | 'edit' | 'delete';

/**
 * Why a change did not happen, for good: the API refused it (`invalid`), the todo was deleted
 * elsewhere (`not_found`), the sign-in may not write (`forbidden`), the browser would not keep
 * it (`storage`), or an Undo came after the delete was sent (`too_late`).
 */
export type NoticeCode = 'invalid' | 'not_found' | 'forbidden' | 'storage' | 'too_late';

export interface Notice {
  readonly op: TodoOp;
  readonly title: string;
  readonly code: NoticeCode;
}

export interface TodosSnapshot {
  readonly state: TodosState;
  /** A 403 taught us the token lacks `todos:write`: editing is disabled until the next sign-in. */
  readonly readOnly: boolean;
  /** A 401 reached the page (the SW already tried refresh + replay): the session is gone. */
  readonly sessionExpired: boolean;
  readonly notice: Notice | null;
  readonly conflicts: readonly ConflictView[];
  readonly undo: readonly UndoOffer[];
  /** Changes kept on this device that the API has not confirmed yet. */
  readonly queued: number;
  /** Sending is not possible now or just failed: queued changes wait (and say so). */
  readonly waiting: boolean;
}

/** Nothing loaded yet (also what the app shows before a controller exists). */
export const IDLE: TodosSnapshot = {
  state: { kind: 'idle' },
  readOnly: false,
  sessionExpired: false,
  notice: null,
  conflicts: [],
  undo: [],
  queued: 0,
  waiting: false,
};
