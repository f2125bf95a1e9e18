import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadersError, readDeployConfig, writeHostFiles, type HeadersErrorCode } from '../../deploy/headers.ts';
import { buildManifest, injectManifest } from '../../deploy/precache-plugin.ts';
import { MANIFEST_PLACEHOLDER, parseManifest } from '../../sw/shell-manifest.ts';
import { CONFIG } from './fake-idp.ts';

function withDist(files: Record<string, string>, f: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'unit-dist-'));
  try {
    for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
    f(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const failsWith = (dir: string, code: HeadersErrorCode, field?: string) =>
  assert.throws(
    () => readDeployConfig(dir),
    (e: unknown) => e instanceof HeadersError && e.code === code && (field === undefined || e.message.includes(field)),
  );

test('npm run headers: no dist/ build -> dist_missing', () => withDist({}, (d) => failsWith(d, 'dist_missing')));
test('npm run headers: no config.json -> config_missing', () => withDist({ 'index.html': '' }, (d) => failsWith(d, 'config_missing')));
test('npm run headers: config.json not JSON -> config_invalid', () =>
  withDist({ 'index.html': '', 'config.json': '{' }, (d) => failsWith(d, 'config_invalid')));
test('npm run headers: a config the SW would refuse -> config_invalid naming the field', () =>
  withDist({ 'index.html': '', 'config.json': JSON.stringify({ ...CONFIG, apis: [{ origin: 'https://api.example.com/v1' }] }) }, (d) =>
    failsWith(d, 'config_invalid', 'apis[0].origin'),
  ));

test('npm run headers: writes _headers and _redirects into dist/ and the server block where it is told', () =>
  withDist({ 'index.html': '<!doctype html>', 'config.json': JSON.stringify(CONFIG), 'app.css': '' }, (d) => {
    const conf = join(d, '..', `${d.split('/').pop()}-todos.conf`);
    try {
      const { written } = writeHostFiles(d, conf);
      assert.deepEqual(written, [join(d, '_headers'), join(d, '_redirects'), conf]);
      assert.match(readFileSync(join(d, '_headers'), 'utf8'), /^\/app\.css$/m);
      assert.deepEqual(
        readFileSync(join(d, '_redirects'), 'utf8')
          .split('\n')
          .filter((l) => l && !l.startsWith('#')),
        ['/login /index.html 200', '/callback /index.html 200', '/logout /index.html 200', '/silent-done /index.html 200'],
      );
      assert.match(readFileSync(conf, 'utf8'), /^\s+listen 8080;$/m);
    } finally {
      rmSync(conf, { force: true });
    }
  }));

test('issue 10 item 4: the manifest lists the shell with SHA-256, never sw.js, config.json or host files', () => {
  const m = buildManifest([
    { path: '/index.html', bytes: 'a' },
    { path: '/sw.js', bytes: 'b' },
    { path: '/config.json', bytes: '{}' },
    { path: '/_headers', bytes: '' },
    { path: '/assets/x-1.js', bytes: 'c' },
  ]);
  assert.deepEqual(
    m.entries.map((e) => e.path),
    ['/assets/x-1.js', '/index.html'],
  );
  assert.equal(m.entries[1]!.sha256, 'ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb');
  assert.throws(() => buildManifest([{ path: '/data.bin', bytes: '' }]), /no content type/);
});

test('issue 10 item 4: the manifest is written into sw.js whatever quotes the minifier chose, and read back', () => {
  const m = buildManifest([{ path: '/index.html', bytes: 'a' }]);
  for (const q of ['"', "'", '`']) {
    const code = `const m = parse(${q}${MANIFEST_PLACEHOLDER}${q});`;
    const out = injectManifest(code, m);
    const literal = /parse\((.*)\);/.exec(out)![1]!;
    assert.deepEqual(parseManifest(JSON.parse(literal) as string), m);
  }
  assert.throws(() => injectManifest('no placeholder here', m), /not found/);
  assert.deepEqual(parseManifest(MANIFEST_PLACEHOLDER).entries, [], 'dev: nothing precached');
});
