import { timingSafeEqual } from 'node:crypto';
import type { Account } from 'oidc-provider';

export interface DemoUser {
  readonly username: string;
  readonly password: string;
  readonly sub: string;
  readonly name: string;
  readonly email: string;
}

/** The demo logins (issue 2 contract). Passwords are public on purpose: this is a local test IdP. */
export const DEMO_USERS: readonly DemoUser[] = Object.freeze([
  { username: 'alice', password: 'alice-password', sub: 'alice', name: 'Alice Example', email: 'alice@example.test' },
  { username: 'bob', password: 'bob-password', sub: 'bob', name: 'Bob Example', email: 'bob@example.test' },
]);

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function checkCredentials(username: string, password: string): DemoUser | undefined {
  const user = DEMO_USERS.find((u) => u.username === username);
  return user !== undefined && same(user.password, password) ? user : undefined;
}

export function accountFor(sub: string): Account | undefined {
  const user = DEMO_USERS.find((u) => u.sub === sub);
  if (user === undefined) return undefined;
  return {
    accountId: user.sub,
    claims() {
      return Promise.resolve({ sub: user.sub, name: user.name, email: user.email, email_verified: true });
    },
  };
}
