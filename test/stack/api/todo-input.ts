import { ApiError } from './errors.ts';
import type { TodoPatch } from './todo-store.ts';

export const MAX_TITLE_CHARS = 500;

/** POST /todos body: exactly `{ title }`. */
export function parseNewTodo(body: Record<string, unknown>): { title: string } {
  rejectUnknownFields(body, ['title']);
  if (!('title' in body)) throw new ApiError('invalid_body', '"title" is required');
  return { title: parseTitle(body['title']) };
}

/** PATCH /todos/:id body: `{ title?, completed? }`, at least one of them. */
export function parseTodoPatch(body: Record<string, unknown>): TodoPatch {
  rejectUnknownFields(body, ['title', 'completed']);
  const patch: { title?: string; completed?: boolean } = {};
  if ('title' in body) patch.title = parseTitle(body['title']);
  if ('completed' in body) {
    if (typeof body['completed'] !== 'boolean') throw new ApiError('invalid_body', '"completed" must be a boolean');
    patch.completed = body['completed'];
  }
  if (Object.keys(patch).length === 0) throw new ApiError('invalid_body', 'nothing to change: give "title" or "completed"');
  return patch;
}

function parseTitle(value: unknown): string {
  if (typeof value !== 'string') throw new ApiError('invalid_body', '"title" must be a string');
  const title = value.trim();
  if (title === '') throw new ApiError('invalid_body', '"title" must not be empty');
  // Code points, not UTF-16 units: an emoji counts once. Nothing is split for display here, so the
  // rule's worry (cutting a grapheme apart) does not apply; the limit is defined in code points.
  // eslint-disable-next-line @typescript-eslint/no-misused-spread
  if ([...title].length > MAX_TITLE_CHARS) {
    throw new ApiError('invalid_body', `"title" must be at most ${MAX_TITLE_CHARS} characters`);
  }
  return title;
}

function rejectUnknownFields(body: Record<string, unknown>, allowed: readonly string[]): void {
  const unknown = Object.keys(body).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) {
    throw new ApiError('invalid_body', `unknown field(s): ${unknown.map((k) => JSON.stringify(k)).join(', ')}`);
  }
}
