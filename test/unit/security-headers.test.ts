import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import type { Connect, PreviewServer } from 'vite';
import type { VaultConfig } from '../../sw/config.ts';
import { htmlPage } from '../../sw/html.ts';
import { OFFLINE_SHELL_TIMING, documentCsp, pathKind, responseHeaders, swCsp } from '../../sw/security-headers.ts';
import { OFFLINE_SHELL_TIMING as PAGE_MARKER } from '../../src/vault/offline-shell.ts';
import { headersFile } from '../../deploy/headers-file.ts';
import { nginxServerBlock } from '../../deploy/nginx-conf.ts';
import { appPlugin, runtimeConfig } from '../stack/app-plugin.ts';
import { originsFor } from '../stack/ports.ts';
import { headersFileFor, joined, nginxHeadersFor, nginxLocations } from './host-file-readers.ts';

const KEYCLOAK: VaultConfig = {
  issuer: 'https://kc.example.com/realms/todos',
  clientId: 'todo-spa',
  redirectUri: 'https://app.example.com/callback',
  postLogoutRedirectUri: 'https://app.example.com/',
  scope: 'openid offline_access',
  apis: [
    { origin: 'https://todo.example.com', pathPrefix: '/v1' },
    { origin: 'https://files.example.com' },
    { origin: 'https://todo.example.com', pathPrefix: '/v2' },
  ],
};

test('issue 10 item 2: the document CSP is exactly the one the issue states, with origins, never paths', () => {
  assert.equal(
    documentCsp(KEYCLOAK),
    "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self' https://todo.example.com https://files.example.com; " +
      "frame-src 'self' https://kc.example.com; form-action 'self' https://kc.example.com; frame-ancestors 'none'; base-uri 'none'; " +
      "object-src 'none'; require-trusted-types-for 'script'; trusted-types lit-html sw-url",
  );
});

test('A9 / issue 8 finding 3: no IdP origin in the document connect-src; the sw.js CSP has the IdP and every API', () => {
  const connect = /connect-src ([^;]*)/.exec(documentCsp(KEYCLOAK))![1]!;
  assert.doesNotMatch(connect, /kc\.example\.com/);
  assert.match(swCsp(KEYCLOAK), /connect-src 'self' https:\/\/kc\.example\.com https:\/\/todo\.example\.com https:\/\/files\.example\.com;/);
  assert.doesNotMatch(swCsp(KEYCLOAK), /realms/);
});

test('issue 10 item 4: without a config the policy names no external origin at all', () => {
  assert.doesNotMatch(documentCsp(undefined) + swCsp(undefined), /https?:/);
});

test('issue 10 item 2: cache rules by path', () => {
  const cases: [string, string][] = [
    ['/', 'no-cache'],
    ['/index.html', 'no-cache'],
    ['/callback', 'no-cache'],
    ['/sw.js', 'no-cache'],
    ['/config.json', 'no-store'],
    ['/assets/index-B1X_5ZCA.js', 'public, max-age=31536000, immutable'],
    ['/app.css', 'no-cache'],
  ];
  for (const [path, rule] of cases) assert.equal(responseHeaders(pathKind(path), KEYCLOAK)['Cache-Control'], rule, path);
});

const PATHS = [
  '/',
  '/index.html',
  '/login',
  '/callback',
  '/logout',
  '/silent-done',
  '/sw.js',
  '/config.json',
  '/assets/index-B1X_5ZCA.js',
  '/app.css',
  '/favicon.svg',
];

test('issue 10 item 2: one source of truth: nginx sends the policy module headers, one of each, on every path', () => {
  const conf = nginxServerBlock(KEYCLOAK);
  assert.equal(nginxLocations(conf).serverLevelHeaders, 0, 'no server-level add_header (a location would drop it)');
  for (const path of PATHS) {
    const sent = nginxHeadersFor(conf, path);
    for (const [name, values] of Object.entries(sent)) assert.equal(values.length, 1, `${path}: one ${name}`);
    assert.deepEqual(joined(sent), responseHeaders(pathKind(path), KEYCLOAK), path);
  }
});

test('issue 10 item 2: one source of truth: _headers gives every path the policy module headers, never two CSPs', () => {
  const file = headersFile(
    KEYCLOAK,
    PATHS.filter((p) => p.includes('.')),
  );
  for (const path of PATHS) {
    const sent = headersFileFor(file, path);
    for (const [name, values] of Object.entries(sent)) assert.equal(values.length, 1, `${path}: ${name} set by ${values.length} rules`);
    assert.deepEqual(joined(sent), responseHeaders(pathKind(path), KEYCLOAK), path);
  }
});

test('issue 10 item 2: one source of truth: the preview server plugin sends the policy module headers', () => {
  const o = originsFor({ idp: 4000, api: 4001, app: 5173 });
  let middleware: Connect.NextHandleFunction | undefined;
  const server = { middlewares: { use: (fn: Connect.NextHandleFunction) => void (middleware = fn) } } as unknown as PreviewServer;
  const plugin = appPlugin(o);
  (plugin.configurePreviewServer as (s: PreviewServer) => void)(server);
  for (const path of PATHS) {
    const set: Record<string, string> = {};
    const res = { setHeader: (k: string, v: string) => void (set[k] = v), end: () => undefined };
    const req = new IncomingMessage(new Socket());
    req.url = `${path}?x=1`;
    // Connect.IncomingMessage is a declaration-only class with no constructor to call: connect itself
    // hands its middleware the Node http.IncomingMessage built here.
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
    middleware!(req, res as never, () => undefined);
    for (const [name, value] of Object.entries(responseHeaders(pathKind(path), runtimeConfig(o)))) assert.equal(set[name], value, `${path}: ${name}`);
  }
});

test("issue 13: appPlugin lays extra fields over /config.json (the bench's DPoP stack), and none without them", () => {
  const o = originsFor({ idp: 4000, api: 4001, app: 5173 });
  const served = (extra?: { dpop: boolean }): unknown => {
    let middleware: Connect.NextHandleFunction | undefined;
    const server = { middlewares: { use: (fn: Connect.NextHandleFunction) => void (middleware = fn) } } as unknown as PreviewServer;
    (appPlugin(o, extra).configurePreviewServer as (s: PreviewServer) => void)(server);
    let body = '';
    const res = { setHeader: () => undefined, end: (b: string) => void (body = b) };
    const req = new IncomingMessage(new Socket());
    req.url = '/config.json';
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- as above: connect passes Node's IncomingMessage
    middleware!(req, res as never, () => undefined);
    return JSON.parse(body);
  };
  assert.deepEqual(served({ dpop: true }), { ...runtimeConfig(o), dpop: true });
  assert.deepEqual(served(), runtimeConfig(o));
  assert.equal('dpop' in runtimeConfig(o), false, 'the default stack stays bearer');
});

test('issue 10 item 2: one source of truth: SW-made pages carry the document policy, framable per page', () => {
  for (const frameAncestors of ["'none'", "'self'"] as const) {
    const res = htmlPage({ title: 't', body: '', config: KEYCLOAK, frameAncestors });
    const expected = { ...responseHeaders('document', KEYCLOAK, { frameAncestors }), 'Cache-Control': 'no-store' };
    for (const [name, value] of Object.entries(expected)) assert.equal(res.headers.get(name), value, name);
  }
});

test('issue 10 item 4: the page reads the same offline-shell marker the SW sets', () => {
  assert.equal(PAGE_MARKER, OFFLINE_SHELL_TIMING);
});
