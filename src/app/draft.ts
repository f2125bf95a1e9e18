/**
 * The "New todo" draft across a top-level redirect (session recovery, sign-in again). It is the
 * user's own text, not a credential, so sessionStorage (this tab only) is acceptable.
 * history.state would not do: the redirect comes back as a new history entry without it.
 */
import { readTab, writeTab } from '../vault/tab-storage.ts';

const KEY = 'todo-app:new-todo-draft';

/** '' when there is none or storage is disabled (the draft then lives in memory only). */
export const loadDraft = (): string => readTab(KEY) ?? '';

export const saveDraft = (text: string): void => writeTab(KEY, text || null);
