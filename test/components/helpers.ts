import { a11ySnapshot } from '@web/test-runner-commands';
import type { AuthErrorCode, SessionSnapshot } from '../../sw/protocol.ts';
import type { TodoView } from '../../src/app/todo-view.ts';
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
  const id = extra.id ?? `t${++n}`;
  return { id, title, completed: false, createdAt: at, updatedAt: at, version: 1, pending: 'saved', key: id, ...extra };
}

/**
 * Every `type` event `target` dispatches from now on, recorded as it happens: a test asserts the
 * count right after the action, so a missing or doubled event fails at once (`oneEvent` would
 * only time out, and could never see a second one).
 */
export function record<E extends Event = Event>(target: EventTarget, type: string): E[] {
  const events: E[] = [];
  target.addEventListener(type, (e) => events.push(e as E));
  return events;
}

/** Deletes an IndexedDB database (the outbox between tests); its connections close on `versionchange`. */
export function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.deleteDatabase(name);
    req.onsuccess = () => resolve();
    req.onerror = () => reject(req.error ?? new Error(`deleting ${name} failed`));
    // `blocked` only means a connection is still finishing a transaction: the delete waits for it.
  });
}

export const ALICE: SessionSnapshot = {
  status: 'signed-in',
  user: { sub: 'alice-sub', name: 'Alice Example', email: 'alice@example.test' },
  scopes: ['openid', 'todos:read', 'todos:write'],
  accessTokenExpiresAt: Date.now() + 300_000,
  lastRefreshAt: null,
  connection: 'ok',
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

  signOut(): Promise<void> {
    this.signOutCalls++;
    return this.signOutError ? Promise.reject(this.signOutError) : Promise.resolve();
  }

  applyUpdate(): Promise<void> {
    this.updateCalls++;
    return Promise.resolve();
  }

  whenApiReady(): Promise<void> {
    return Promise.resolve();
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

// The package's .d.ts declares `Promise<void>`, but the command resolves with the snapshot tree.
const snapshot = a11ySnapshot as (payload: Parameters<typeof a11ySnapshot>[0]) => Promise<unknown>;

/**
 * Chromium's own accessibility tree (through the test runner's CDP session): the names a screen
 * reader or Playwright's getByRole would see, not what our code thinks it set.
 */
export async function axNodes(): Promise<AxNode[]> {
  const root = (await snapshot({})) as AxNode;
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
