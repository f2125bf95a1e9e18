import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isTodo } from '../../../src/app/todo-wire.ts';
import { removeStaleTempFiles, writeFileAtomic } from '../atomic-file.ts';
import { isExpired, type IdempotencyRecord, type KeyData, type WriteOutcome } from './idempotency.ts';
import { QueuedTodoStore, type QueuedTodoStoreOptions, type StoreData, type Todo, type TodoData } from './todo-store.ts';

/**
 * The data file, format 2:
 * `{ "version": 2, "todos": [{ "sub", "id", "title", ..., "version" }], "idempotency": [{ "sub",
 * "key", "fingerprint", "createdAtMs", "outcome" }] }`. Flat lists (not objects keyed by `sub`) so
 * that no user id can ever be read as `__proto__`. Todos and idempotency records are written in
 * one atomic write, so a replay after a crash finds the record of every change that is on disk.
 * Format 1 (todos only, no `version` per todo) still loads: each todo gets version 1.
 */
interface FileFormat {
  version: 2;
  todos: StoredTodo[];
  idempotency: StoredRecord[];
}

type StoredTodo = Todo & { sub: string };
type StoredRecord = IdempotencyRecord & { sub: string; key: string };

export async function openFileTodoStore(file: string, opts: Omit<QueuedTodoStoreOptions, 'initial' | 'persist'> = {}): Promise<QueuedTodoStore> {
  await mkdir(dirname(file), { recursive: true });
  await removeStaleTempFiles(file);
  const initial = await load(file, (opts.now ?? Date.now)());
  return new QueuedTodoStore({ ...opts, initial, persist: (data) => writeFileAtomic(file, serialize(data)) });
}

/** A missing file is an empty store; an unreadable one stops the start rather than being overwritten. */
async function load(file: string, nowMs: number): Promise<StoreData> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { todos: new Map(), keys: new Map() };
    throw err;
  }
  const parsed: unknown = JSON.parse(text);
  if (!isDataFile(parsed)) throw new Error(`${file} is not a todo data file (format 1 or 2)`);
  const todos: TodoData = new Map();
  for (const { sub, ...todo } of parsed.todos) {
    perUser(todos, sub).set(todo.id, { ...todo, version: todo.version ?? 1 });
  }
  const keys: KeyData = new Map();
  for (const { sub, key, ...record } of parsed.version === 2 ? parsed.idempotency : []) {
    if (!isExpired(record, nowMs)) perUser(keys, sub).set(key, record);
  }
  return { todos, keys };
}

function perUser<V>(data: Map<string, Map<string, V>>, sub: string): Map<string, V> {
  let mine = data.get(sub);
  if (mine === undefined) data.set(sub, (mine = new Map<string, V>()));
  return mine;
}

function serialize(data: StoreData): string {
  const file: FileFormat = { version: 2, todos: [], idempotency: [] };
  for (const [sub, mine] of data.todos) for (const todo of mine.values()) file.todos.push({ sub, ...todo });
  for (const [sub, mine] of data.keys) for (const [key, record] of mine) file.idempotency.push({ sub, key, ...record });
  return `${JSON.stringify(file, null, 1)}\n`;
}

type LoadedFile =
  | { version: 1; todos: Array<StoredTodo | (Omit<StoredTodo, 'version'> & { version?: undefined })> }
  | { version: 2; todos: StoredTodo[]; idempotency: StoredRecord[] };

function isDataFile(v: unknown): v is LoadedFile {
  if (typeof v !== 'object' || v === null) return false;
  const f = v as { version?: unknown; todos?: unknown; idempotency?: unknown };
  if (f.version === 1) return Array.isArray(f.todos) && f.todos.every((t) => isStoredTodo(t, true));
  return (
    f.version === 2 &&
    Array.isArray(f.todos) &&
    f.todos.every((t) => isStoredTodo(t, false)) &&
    Array.isArray(f.idempotency) &&
    f.idempotency.every(isStoredRecord)
  );
}

function isStoredTodo(v: unknown, versionOptional: boolean): boolean {
  return isTodo(v, versionOptional ? 'optional' : 'required') && typeof (v as { sub?: unknown }).sub === 'string';
}

function isStoredRecord(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return (
    typeof r['sub'] === 'string' &&
    typeof r['key'] === 'string' &&
    typeof r['fingerprint'] === 'string' &&
    typeof r['createdAtMs'] === 'number' &&
    isOutcome(r['outcome'])
  );
}

function isOutcome(v: unknown): v is WriteOutcome {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  if (o['kind'] === 'deleted') return typeof o['id'] === 'string';
  return (o['kind'] === 'created' || o['kind'] === 'updated') && isStoredTodo({ sub: '', ...(o['todo'] as object) }, false);
}
