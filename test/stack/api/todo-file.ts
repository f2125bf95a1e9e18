import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { QueuedTodoStore, type Todo, type TodoData } from './todo-store.ts';

/**
 * The data file: `{ "version": 1, "todos": [{ "sub", "id", "title", ... }] }`. A flat list (not an
 * object keyed by `sub`) so that no user id can ever be read as `__proto__`.
 */
interface FileFormat {
  version: 1;
  todos: Array<Todo & { sub: string }>;
}

export async function openFileTodoStore(file: string, opts: { maxTodosPerUser?: number } = {}): Promise<QueuedTodoStore> {
  await mkdir(dirname(file), { recursive: true });
  await removeStaleTempFiles(file);
  const initial = await load(file);
  return new QueuedTodoStore({
    initial,
    persist: (data) => writeFileAtomic(file, serialize(data)),
    ...(opts.maxTodosPerUser !== undefined ? { maxTodosPerUser: opts.maxTodosPerUser } : {}),
  });
}

/** A missing file is an empty store; an unreadable one stops the start rather than being overwritten. */
async function load(file: string): Promise<TodoData> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw err;
  }
  const parsed: unknown = JSON.parse(text);
  if (!isFileFormat(parsed)) throw new Error(`${file} is not a todo data file (version 1)`);
  const data: TodoData = new Map();
  for (const { sub, ...todo } of parsed.todos) {
    let mine = data.get(sub);
    if (mine === undefined) data.set(sub, (mine = new Map()));
    mine.set(todo.id, todo);
  }
  return data;
}

function serialize(data: TodoData): string {
  const todos: FileFormat['todos'] = [];
  for (const [sub, mine] of data) for (const todo of mine.values()) todos.push({ sub, ...todo });
  const file: FileFormat = { version: 1, todos };
  return `${JSON.stringify(file, null, 1)}\n`;
}

/**
 * Replaces `file` so that a crash at any moment leaves either the old or the new content: write a
 * temp file in the same directory, fsync it, rename it over the target (atomic on POSIX), then fsync
 * the directory so the rename itself is durable.
 */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const tmp = join(dirname(file), `.${basename(file)}.${randomUUID()}.tmp`);
  const fh = await open(tmp, 'wx', 0o600);
  try {
    await fh.writeFile(text, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  const dir = await open(dirname(file), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

/** Temp files left by a process killed mid-write are garbage: the target file is always whole. */
async function removeStaleTempFiles(file: string): Promise<void> {
  const prefix = `.${basename(file)}.`;
  for (const name of await readdir(dirname(file))) {
    if (name.startsWith(prefix) && name.endsWith('.tmp')) await rm(join(dirname(file), name), { force: true });
  }
}

function isFileFormat(v: unknown): v is FileFormat {
  if (typeof v !== 'object' || v === null) return false;
  const f = v as { version?: unknown; todos?: unknown };
  return f.version === 1 && Array.isArray(f.todos) && f.todos.every(isStoredTodo);
}

function isStoredTodo(v: unknown): v is Todo & { sub: string } {
  if (typeof v !== 'object' || v === null) return false;
  const t = v as Record<string, unknown>;
  return (
    typeof t.sub === 'string' &&
    typeof t.id === 'string' &&
    typeof t.title === 'string' &&
    typeof t.completed === 'boolean' &&
    typeof t.createdAt === 'string' &&
    typeof t.updatedAt === 'string'
  );
}
