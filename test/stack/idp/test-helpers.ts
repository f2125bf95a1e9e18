/** Test-only helpers shared by the IdP's black-box suites (idp-*.test.ts). */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { after, before } from 'node:test';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../free-port.ts';
import { send, type CookieJar } from '../flow.ts';
import { DEMO_USERS, startIdp, type RunningIdp } from './server.ts';

export const ACCESS_TOKEN_TTL = 120;
export const alice = DEMO_USERS[0]!;

export interface Stack {
  idp: RunningIdp;
  issuer: string;
  appOrigin: string;
  apiOrigin: string;
  keysDir: string;
}

export async function startStack(extra: { accessTokenFormat?: 'jwt' | 'opaque'; keysDir?: string } = {}): Promise<Stack> {
  const keysDir = extra.keysDir ?? (await mkdtemp(join(tmpdir(), 'idp-keys-')));
  const [idpPort, appPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  const appOrigin = `http://localhost:${appPort}`;
  const apiOrigin = `http://localhost:${apiPort}`;
  const idp = await startIdp({
    port: idpPort,
    appOrigin,
    apiOrigin,
    keysDir,
    accessTokenTtl: ACCESS_TOKEN_TTL,
    ...(extra.accessTokenFormat ? { accessTokenFormat: extra.accessTokenFormat } : {}),
  });
  return { idp, issuer: idp.issuer, appOrigin, apiOrigin, keysDir };
}

export async function stopStack(s: Stack): Promise<void> {
  await s.idp.close();
  await rm(s.keysDir, { recursive: true, force: true });
}

/**
 * One IdP for the whole file, started in `before` and stopped in `after`. The stack it returns
 * may only be read inside tests and hooks (before it starts, reading it throws).
 */
export function useStack(extra: Parameters<typeof startStack>[0] = {}): Stack {
  let started: Stack | undefined;
  before(async () => {
    started = await startStack(extra);
  });
  after(async () => {
    if (started) await stopStack(started);
  });
  return new Proxy({} as Stack, {
    get(_, key) {
      if (!started) throw new Error('the IdP stack is not started yet: read it inside a test or hook');
      return started[key as keyof Stack];
    },
  });
}

export function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

export function introspect(s: Stack, token: string, headers: Record<string, string>, extra: Record<string, string> = {}) {
  return fetch(`${s.issuer}/token/introspection`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams({ token, ...extra }).toString(),
  });
}

/** A rejected /auth request: either an error page with no redirect, or an error redirect. */
export async function authorizeOnce(url: URL): Promise<Response> {
  return fetch(url, { redirect: 'manual' });
}

/** RP-initiated logout with a valid id_token_hint: confirm page, then the auto-submitted form. */
export async function endSession(st: Stack, jar: CookieJar, idToken: string, postLogout = `${st.appOrigin}/`): Promise<Response> {
  const url = new URL('/session/end', st.issuer);
  url.searchParams.set('id_token_hint', idToken);
  url.searchParams.set('post_logout_redirect_uri', postLogout);
  url.searchParams.set('state', 'bye');
  const page = await send(url, jar);
  assert.equal(page.status, 200);
  const html = await page.text();
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
  const fields = [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]);
  assert.ok(action);
  return send(new URL(action, url), jar, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
}
