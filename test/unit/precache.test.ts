import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, type VaultConfig } from '../../sw/config.ts';
import { CACHE_PREFIX, Shell } from '../../sw/precache.ts';
import { OFFLINE_SHELL_TIMING, documentCsp, responseHeaders } from '../../sw/security-headers.ts';
import { buildManifest } from '../../deploy/precache-plugin.ts';
import { APP, CONFIG } from './fake-idp.ts';
import { FakeCache, FakeCaches } from './fake-caches.ts';

const FILES: Record<string, string> = {
  '/index.html': '<!doctype html><title>Todos</title>',
  '/assets/index-abc.js': 'console.log("app")',
  '/app.css': 'body{}',
};
const manifest = buildManifest(Object.entries(FILES).map(([path, bytes]) => ({ path, bytes })));

interface Setup {
  shell: Shell;
  caches: FakeCaches;
  fetched: string[];
}

function setup(o: { files?: Record<string, string>; offline?: boolean; config?: () => Promise<VaultConfig> } = {}): Setup {
  const files = o.files ?? FILES;
  const fetched: string[] = [];
  const caches = new FakeCaches();
  const fetchFn = ((input: RequestInfo | URL) => {
    // Requests here are plain objects: Node's Request cannot be made with mode 'navigate'.
    const url = new URL(typeof input === 'object' && 'url' in input ? input.url : String(input));
    fetched.push(url.pathname);
    if (o.offline) return Promise.reject(new TypeError('Failed to fetch'));
    const body = files[url.pathname === '/' ? '/index.html' : url.pathname];
    return Promise.resolve(body === undefined ? new Response('missing', { status: 404 }) : new Response(body, { headers: { 'X-From': 'network' } }));
  }) as typeof fetch;
  const shell = new Shell(manifest, {
    origin: APP,
    caches: caches.asCacheStorage(),
    fetch: fetchFn,
    config: o.config ?? (() => Promise.resolve(CONFIG)),
  });
  return { shell, caches, fetched };
}

const nav = (path: string) => ({ url: APP + path, mode: 'navigate', method: 'GET' }) as unknown as Request;
const sub = (path: string) => ({ url: APP + path, mode: 'no-cors', method: 'GET' }) as unknown as Request;
const cacheOf = (s: Setup): FakeCache => s.caches.caches.get(s.shell.cacheName)!;

test('issue 10 item 4: install precaches every manifest entry whose bytes match', async () => {
  const s = setup();
  await s.shell.install();
  assert.deepEqual(
    [...cacheOf(s).entries.keys()].sort(),
    Object.keys(FILES)
      .map((p) => APP + p)
      .sort(),
  );
  assert.ok(s.shell.cacheName.startsWith(CACHE_PREFIX));
});

test('issue 10 item 4: install skips a file whose bytes do not match (a half-rolled-out deployment) and still succeeds', async () => {
  const s = setup({ files: { ...FILES, '/app.css': 'body{color:red}' } });
  await s.shell.install();
  assert.equal(cacheOf(s).entries.has(`${APP}/app.css`), false);
  assert.equal(cacheOf(s).entries.size, 2);
});

test('issue 10 item 4: install reuses a verified body from an older shell cache instead of downloading it', async () => {
  const s = setup();
  const old = (await s.caches.open(`${CACHE_PREFIX}old`)) as unknown as FakeCache;
  await old.put(`${APP}/assets/index-abc.js`, new Response(FILES['/assets/index-abc.js']));
  await s.shell.install();
  assert.ok(!s.fetched.includes('/assets/index-abc.js'), `fetched ${s.fetched.join(', ')}`);
  assert.ok(cacheOf(s).entries.has(`${APP}/assets/index-abc.js`));
});

test('issue 10 item 4: activate deletes older shell caches and leaves other caches alone', async () => {
  const s = setup();
  await s.caches.open(`${CACHE_PREFIX}old`);
  await s.caches.open('not-ours');
  await s.shell.install();
  await s.shell.activate();
  assert.deepEqual((await s.caches.keys()).sort(), ['not-ours', s.shell.cacheName].sort());
});

test('issue 10 item 4: an app navigation is answered with the verified index.html and headers made from the policy, not the stored ones', async () => {
  const s = setup();
  await s.shell.install();
  const c = cacheOf(s);
  const stored = c.entries.get(`${APP}/index.html`)!;
  stored.headers = new Headers({ 'Content-Security-Policy': 'default-src *', 'Content-Type': 'text/plain' });
  const res = await s.shell.respond(nav('/?auth_error=x'));
  assert.equal(await res.text(), FILES['/index.html']);
  for (const [k, v] of Object.entries(responseHeaders('document', CONFIG))) assert.equal(res.headers.get(k), v, k);
  assert.equal(res.headers.get('Content-Type'), 'text/html; charset=utf-8');
  assert.equal(res.headers.get('Server-Timing'), null);
  assert.ok(!s.fetched.includes('/'), 'served from the cache');
});

test('issue 10 item 4: a tampered entry is deleted and the network copy served (and stored again once verified)', async () => {
  const s = setup();
  await s.shell.install();
  await cacheOf(s).put(`${APP}/assets/index-abc.js`, new Response('window.planted = 1'));
  const res = await s.shell.respond(sub('/assets/index-abc.js'));
  assert.equal(await res.text(), FILES['/assets/index-abc.js']);
  assert.equal(res.headers.get('X-From'), 'network', 'the network answer, with its own headers');
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(new TextDecoder().decode(cacheOf(s).entries.get(`${APP}/assets/index-abc.js`)!.body), FILES['/assets/index-abc.js']);
});

test('issue 10 item 4: offline, a tampered navigation fails closed with a 503 page, a tampered subresource with a network error', async () => {
  const online = setup();
  await online.shell.install();
  const s: Setup = { ...setup({ offline: true }) };
  s.caches.caches.set(online.shell.cacheName, cacheOf(online));
  await cacheOf(s).put(`${APP}/index.html`, new Response('<p>planted</p>'));
  await cacheOf(s).put(`${APP}/app.css`, new Response('planted'));
  const page = await s.shell.respond(nav('/'));
  assert.equal(page.status, 503);
  assert.doesNotMatch(await page.text(), /planted/);
  assert.equal(page.headers.get('Content-Security-Policy'), documentCsp(undefined));
  assert.equal((await s.shell.respond(sub('/app.css'))).type, 'error');
});

test('issue 10 item 4: without a reachable config the shell gets the strictest policy and the offline marker', async () => {
  const unreachable = (): Promise<VaultConfig> => Promise.reject(new ConfigError('config_unreachable', 'file', 'offline'));
  const s = setup({ config: unreachable });
  await s.shell.install();
  const res = await s.shell.respond(nav('/'));
  assert.equal(res.headers.get('Content-Security-Policy'), documentCsp(undefined));
  assert.equal(res.headers.get('Server-Timing'), OFFLINE_SHELL_TIMING);
  const css = await s.shell.respond(sub('/app.css'));
  assert.equal(css.headers.get('Server-Timing'), null, 'only documents carry the marker');
});

test('issue 10 item 4: an invalid config also gets the strictest policy, but no marker (a reload would not help)', async () => {
  const invalid = (): Promise<VaultConfig> => Promise.reject(new ConfigError('config_invalid', 'issuer', 'bad'));
  const s = setup({ config: invalid });
  await s.shell.install();
  const res = await s.shell.respond(nav('/'));
  assert.equal(res.headers.get('Content-Security-Policy'), documentCsp(undefined));
  assert.equal(res.headers.get('Server-Timing'), null);
});
