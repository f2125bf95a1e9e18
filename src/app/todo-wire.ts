/**
 * A todo as the Todo API sends it (issue 2 contract): one shape, and one check of it, for the
 * page's client (todo-api.ts) and the local API (test/stack/api), so neither can drift.
 */

export interface Todo {
  readonly id: string;
  readonly title: string;
  readonly completed: boolean;
  /** ISO 8601 */
  readonly createdAt: string;
  readonly updatedAt: string;
  /**
   * 1 on create, +1 per applied change (the API's `ETag` is `"<version>"`). The local API always
   * sends it; absent only from an API that does not version todos: writes to such a todo go
   * without `If-Match`, i.e. unconditionally.
   */
  readonly version?: number;
}

/** A write's changes (PATCH body): only the fields that change. */
export interface TodoPatch {
  readonly title?: string;
  readonly completed?: boolean;
}

/** Whether `v` has the wire shape; `version: 'required'` also refuses a todo without a version. */
export function isTodo(v: unknown, version: 'optional' | 'required' = 'optional'): v is Todo {
  if (typeof v !== 'object' || v === null) return false;
  const t = v as Record<string, unknown>;
  const n = t['version'];
  return (
    typeof t['id'] === 'string' &&
    typeof t['title'] === 'string' &&
    typeof t['completed'] === 'boolean' &&
    typeof t['createdAt'] === 'string' &&
    typeof t['updatedAt'] === 'string' &&
    ((version === 'optional' && n === undefined) || (typeof n === 'number' && Number.isSafeInteger(n) && n >= 1))
  );
}
