/**
 * The "New todo" draft across a top-level redirect (session recovery, sign-in again). It is the
 * user's own text, not a credential, so sessionStorage (this tab only) is acceptable.
 * history.state would not do: the redirect comes back as a new history entry without it.
 */
const KEY = 'todo-app:new-todo-draft';

export function loadDraft(): string {
  try {
    return sessionStorage.getItem(KEY) ?? '';
  } catch {
    return ''; // storage disabled: the draft then lives in memory only
  }
}

export function saveDraft(text: string): void {
  try {
    if (text) sessionStorage.setItem(KEY, text);
    else sessionStorage.removeItem(KEY);
  } catch {
    // storage disabled or full: the in-memory draft still survives a silent recovery
  }
}
