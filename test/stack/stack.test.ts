/**
 * Issue 10 item 3: `APP_ORIGIN=… npm run stack` runs the IdP and the Todo API only, for an app
 * served by something else: redirect URIs and CORS are for that origin, and nothing listens for
 * the app. Spawned as a real process, with its data and keys in a temp folder.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { before, describe, test } from 'node:test';
import { bearer } from './api/test-helpers.ts';
import { authorizeRequest, refresh, signIn } from './flow.ts';
import { freePort } from './free-port.ts';
import { useTeardown } from './teardown.ts';

const STACK = resolve(import.meta.dirname, 'stack.ts');
let dir: string;
let child: ChildProcess;
let exited: Promise<number | null>;
let env: Record<string, string>;
let appOrigin: string;
let issuer: string;
let apiOrigin: string;

const teardown = useTeardown();
before(async () => {
  dir = await teardown.tempDir('stack-');
  const [idpPort, apiPort, appPort, vitePort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  appOrigin = `http://localhost:${appPort}`;
  issuer = `http://localhost:${idpPort}`;
  apiOrigin = `http://localhost:${apiPort}`;
  env = {
    APP_ORIGIN: appOrigin,
    IDP_PORT: String(idpPort),
    API_PORT: String(apiPort),
    // A port nothing else uses: if the stack started Vite, it would listen here.
    APP_PORT: String(vitePort),
    KEYS_DIR: join(dir, 'keys'),
    IDP_DATA_FILE: join(dir, 'idp-store.json'),
    TODO_DATA_FILE: join(dir, 'todos.json'),
  };
  child = spawn(process.execPath, ['--import', 'tsx', STACK], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  exited = new Promise((r) => child.once('exit', r));
  teardown.defer(async () => {
    child.kill('SIGTERM');
    await exited;
  });
  let out = '';
  let err = '';
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`stack did not start: ${err}`)), 30_000);
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('Ready.')) {
        clearTimeout(timer);
        ready();
      }
    });
    child.once('exit', (code) => fail(new Error(`stack exited with ${code}: ${err}`)));
  });
});

function listening(port: number): Promise<boolean> {
  return new Promise((resolveConn) => {
    const s = connect(port, 'localhost');
    s.once('connect', () => {
      s.destroy();
      resolveConn(true);
    });
    s.once('error', () => resolveConn(false));
  });
}

describe('issue 10 item 3: npm run stack for another app origin', () => {
  test('C2: the IdP redirects to APP_ORIGIN/callback only; the code exchange works for that origin', async () => {
    const { tokens } = await signIn({ issuer, appOrigin, username: 'alice', password: 'alice-password' });
    assert.ok(tokens.access_token && tokens.refresh_token);
    const elsewhere = authorizeRequest(issuer, `http://localhost:${env['APP_PORT']}`);
    const res = await fetch(elsewhere.url, { redirect: 'manual' });
    assert.equal(res.status, 400, 'the default app origin is not registered');
    assert.equal(res.headers.get('Location'), null);
  });

  test('C7 / B6: the token endpoint and the API allow APP_ORIGIN (CORS), and the API accepts the token', async () => {
    const { tokens } = await signIn({ issuer, appOrigin, username: 'bob', password: 'bob-password' });
    const rotated = await refresh(issuer, tokens.refresh_token!, appOrigin);
    assert.equal(rotated.headers.get('access-control-allow-origin'), appOrigin);
    const res = await fetch(`${apiOrigin}/todos`, { headers: { ...bearer(tokens.access_token), Origin: appOrigin } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), appOrigin);
  });

  test('nothing listens for the app (no Vite)', async () => {
    assert.equal(await listening(Number(env['APP_PORT'])), false);
    assert.equal(await listening(Number(new URL(appOrigin).port)), false);
  });

  test('SIGTERM stops both servers and exits 0', async () => {
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.equal(await listening(Number(env['IDP_PORT'])), false);
    assert.equal(await listening(Number(env['API_PORT'])), false);
  });
});
