import { a11ySnapshot } from '@web/test-runner-commands';
import type { AuthErrorCode, SessionSnapshot } from '../../sw/protocol.ts';
import { TodoApiError, type Todo, type TodoApi, type TodoApiErrorCode, type TodoPatch } from '../../src/app/todo-api.ts';
import type { TodoView } from '../../src/app/todos-controller.ts';
import type { VaultEvents, VaultPort, VaultStatus } from '../../src/app/vault-port.ts';

/** Load the real stylesheet, so axe's colour-contrast check sees what users see. */
export async function useAppCss(): Promise<void> {
  if (document.querySelector('link[data-app-css]')) return;
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = '/public/app.css';
  link.dataset['appCss'] = '';
  const loaded = new Promise((resolve, reject) => {
    link.onload = resolve;
    link.onerror = reject;
  });
  document.head.append(link);
  await loaded;
}

let n = 0;
export function todo(title: string, extra: Partial<TodoView> = {}): TodoView {
  const at = '2026-11-26T10:00:00.000Z';
  return { id: `t${++n}`, title, completed: false, createdAt: at, updatedAt: at, saving: false, ...extra };
}

/** Deletes an IndexedDB database (the outbox between tests); its connections close on `versionchange`. */
export function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.deleteDatabase(name);
    req.onsuccess = () => resolve();
    req.onerror = () => reject(req.error);
    // `blocked` only means a connection is still finishing a transaction: the delete waits for it.
  });
}

export const ALICE: SessionSnapshot = {
  status: 'signed-in',
  user: { sub: 'alice-sub', name: 'Alice Example', email: 'alice@example.test' },
  scopes: ['openid', 'todos:read', 'todos:write'],
  accessTokenExpiresAt: Date.now() + 300_000,
  lastRefreshAt: null,
};

export function ready(session: SessionSnapshot): VaultStatus {
  return { kind: 'ready', session, swInstanceId: 'sw-1' };
}

type Listeners = { [K in keyof VaultEvents]: Set<(v: VaultEvents[K]) => void> };

/** The vault contract, in memory: tests drive its status and events. */
export class FakeVault implements VaultPort {
  status: VaultStatus;
  authError: AuthErrorCode | null = null;
  signOutCalls = 0;
  updateCalls = 0;
  signOutError: Error | null = null;
  private listeners: Listeners = { status: new Set(), updateAvailable: new Set(), userChanged: new Set() };

  constructor(status: VaultStatus = ready(ALICE)) {
    this.status = status;
  }

  subscribe<K extends keyof VaultEvents>(event: K, listener: (value: VaultEvents[K]) => void): () => void {
    const set = this.listeners[event] as Set<(v: VaultEvents[K]) => void>;
    set.add(listener);
    return () => set.delete(listener);
  }

  emit<K extends keyof VaultEvents>(event: K, value: VaultEvents[K]): void {
    if (event === 'status') this.status = value as VaultStatus;
    for (const l of this.listeners[event] as Set<(v: VaultEvents[K]) => void>) l(value);
  }

  signInHref(returnTo = '/todos?filter=open'): string {
    return `/login?returnTo=${encodeURIComponent(returnTo)}`;
  }

  async signOut(): Promise<void> {
    this.signOutCalls++;
    if (this.signOutError) throw this.signOutError;
  }

  async applyUpdate(): Promise<void> {
    this.updateCalls++;
  }

  whenApiReady(): Promise<void> {
    return Promise.resolve();
  }
}

type Method = 'list' | 'create' | 'update' | 'remove';

/** The Todo API contract, in memory, with per-call failures and calls that wait for the test. */
export class FakeApi implements TodoApi {
  todos: Todo[];
  /** The next call of that method fails with this code. */
  failNext: Partial<Record<Method, TodoApiErrorCode>> = {};
  /** Calls of that method wait until `release()`. */
  hold: Partial<Record<Method, boolean>> = {};
  calls: Record<Method, number> = { list: 0, create: 0, update: 0, remove: 0 };
  private waiting: (() => void)[] = [];
  private ids = 100;

  constructor(todos: Todo[] = []) {
    this.todos = todos.map(({ id, title, completed, createdAt, updatedAt }) => ({ id, title, completed, createdAt, updatedAt }));
  }

  release(): void {
    for (const go of this.waiting.splice(0)) go();
  }

  private async gate(m: Method): Promise<void> {
    this.calls[m]++;
    if (this.hold[m]) await new Promise<void>((r) => this.waiting.push(r));
    const code = this.failNext[m];
    if (code) {
      delete this.failNext[m];
      throw new TodoApiError(code, `fake ${code}`);
    }
  }

  async list(): Promise<Todo[]> {
    await this.gate('list');
    return [...this.todos];
  }

  async create(title: string): Promise<Todo> {
    await this.gate('create');
    const at = new Date().toISOString();
    const t = { id: `s${++this.ids}`, title, completed: false, createdAt: at, updatedAt: at };
    this.todos.push(t);
    return t;
  }

  async update(id: string, patch: TodoPatch): Promise<Todo> {
    await this.gate('update');
    const i = this.todos.findIndex((t) => t.id === id);
    const cur = this.todos[i];
    if (!cur) throw new TodoApiError('not-found', 'fake not-found');
    const next = { ...cur, ...patch, updatedAt: new Date().toISOString() };
    this.todos[i] = next;
    return next;
  }

  async remove(id: string): Promise<void> {
    await this.gate('remove');
    this.todos = this.todos.filter((t) => t.id !== id);
  }
}

export interface AxNode {
  readonly role: string;
  readonly name: string;
  readonly checked?: boolean | 'mixed';
  readonly disabled?: boolean;
  readonly focused?: boolean;
  readonly children?: readonly AxNode[];
}

/**
 * Chromium's own accessibility tree (through the test runner's CDP session): the names a screen
 * reader or Playwright's getByRole would see, not what our code thinks it set.
 */
export async function axNodes(): Promise<AxNode[]> {
  const root = (await a11ySnapshot({})) as unknown as AxNode;
  const out: AxNode[] = [];
  const walk = (node: AxNode) => {
    out.push(node);
    node.children?.forEach(walk);
  };
  walk(root);
  return out;
}

export async function findRole(role: string, name: string): Promise<AxNode | undefined> {
  return (await axNodes()).find((node) => node.role === role && node.name === name);
}

export async function rolesNamed(role: string): Promise<string[]> {
  return (await axNodes()).filter((node) => node.role === role).map((node) => node.name);
}
