/**
 * The Todo API over plain HTTP as a demo user, with a token of its own from the real IdP
 * (test/stack/flow.ts): "another device" of the same person. The token stays in this test
 * process; nothing of it reaches the browser.
 */
import { signIn } from '../../stack/flow.ts';
import { DEMO_USERS } from '../../stack/idp/server.ts';
import type { StackOrigins } from '../../stack/ports.ts';
import type { DemoUsername } from '../harness/browser.ts';

export interface ApiTodo {
  readonly id: string;
  readonly title: string;
  readonly completed: boolean;
  readonly createdAt: string;
  readonly version?: number;
}

export interface ApiAsUser {
  list(): Promise<ApiTodo[]>;
  /** PATCH without If-Match: a change made elsewhere that wins. */
  patch(id: string, body: { title?: string; completed?: boolean }): Promise<ApiTodo>;
}

export async function apiAsUser(o: StackOrigins, user: DemoUsername): Promise<ApiAsUser> {
  const u = DEMO_USERS.find((d) => d.username === user);
  if (!u) throw new Error(`unknown demo user ${user}`);
  const { tokens } = await signIn({ issuer: o.issuer, appOrigin: o.appOrigin, username: u.username, password: u.password });
  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const res = await fetch(`${o.apiOrigin}${path}`, {
      method,
      headers: { Authorization: `Bearer ${tokens.access_token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
    return res.json();
  };
  return {
    list: async () => (await call('GET', '/todos')) as ApiTodo[],
    patch: async (id, body) => (await call('PATCH', `/todos/${encodeURIComponent(id)}`, body)) as ApiTodo,
  };
}
