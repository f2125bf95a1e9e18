/**
 * Issue 10: the built app deployed as README "Deploying" says (dist/, a config.json, `npm run
 * headers`) and served by Debian nginx with the generated server block, against the real IdP and
 * Todo API started for that origin. The headers on the wire are the policy module's, the core
 * journey runs with zero CSP or Trusted Types violations, and the code-acquisition attacks fail.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { authorizeRequest } from '../../stack/flow.ts';
import { runtimeConfig } from '../../stack/app-plugin.ts';
import { COMMON_HEADERS, responseHeaders, type PathKind } from '../../../sw/security-headers.ts';
import { sitePaths } from '../../../deploy/files.ts';
import { buildManifest } from '../../../deploy/precache-plugin.ts';
import { buildAppOnce } from '../harness/app-build.ts';
import { stopServiceWorkers, waitForSession } from '../harness/browser.ts';
import { runAttack } from '../harness/code-attack.ts';
import { eventually, useStack } from '../harness/fixture.ts';
import { signedIn } from './signed-in.ts';

interface Raw {
  readonly status: number;
  /** Header name (lower case) -> every value sent under it, in order. */
  readonly headers: ReadonlyMap<string, string[]>;
  readonly body: string;
}

/** One plain GET with every header line kept apart (fetch() would join repeated headers). */
function rawGet(url: string): Promise<Raw> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      const headers = new Map<string, string[]>();
      for (let i = 0; i < res.rawHeaders.length; i += 2) {
        const name = res.rawHeaders[i]!.toLowerCase();
        headers.set(name, [...(headers.get(name) ?? []), res.rawHeaders[i + 1]!]);
      }
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers, body }));
    }).on('error', reject);
  });
}

describe('issue 10: dist/ deployed on nginx with the generated headers', () => {
  // Access tokens that live 20 s are refreshed 10 s after sign-in (tokens.ts): the journey sees one.
  const f = useStack({ host: 'nginx', accessTokenTtl: 20 });

  test('issue 10 item 2: /, /sw.js, an asset and config.json carry every header, exactly one CSP each', async () => {
    const o = f.stack.origins;
    const config = runtimeConfig(o);
    const index = await rawGet(`${o.appOrigin}/`);
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(index.body)?.[1];
    assert.ok(asset, 'index.html names its hashed script');
    const cases: [string, PathKind][] = [
      ['/', 'document'],
      ['/sw.js', 'sw-script'],
      [asset, 'hashed-asset'],
      ['/config.json', 'config'],
      ['/app.css', 'static'],
      ['/callback?code=x&state=y', 'document'],
    ];
    for (const [path, kind] of cases) {
      const res = await rawGet(o.appOrigin + path);
      assert.equal(res.status, 200, path);
      for (const [name, value] of Object.entries(responseHeaders(kind, config))) {
        assert.deepEqual(res.headers.get(name.toLowerCase()), [value], `${path}: exactly one ${name}, the policy module's`);
      }
    }
    const csp = responseHeaders('document', config)['Content-Security-Policy']!;
    assert.doesNotMatch(/connect-src ([^;]*)/.exec(csp)![1]!, new RegExp(o.issuer), 'no IdP origin in the document connect-src');
    assert.match(responseHeaders('sw-script', config)['Content-Security-Policy']!, new RegExp(`connect-src 'self' ${o.issuer} ${o.apiOrigin}`));
  });

  test('issue 10 item 2: the SPA fallback covers app routes only; a missing asset is a 404 that is not cached', async () => {
    const o = f.stack.origins;
    const index = await rawGet(`${o.appOrigin}/index.html`);
    for (const route of ['/login', '/callback', '/logout', '/silent-done']) {
      assert.equal((await rawGet(o.appOrigin + route)).body, index.body, `${route} loads the app`);
    }
    for (const path of ['/nope', '/assets/index-missing.js', '/assets/']) {
      const res = await rawGet(o.appOrigin + path);
      assert.equal(res.status, 404, path);
      assert.notEqual(res.body, index.body, `${path} is not index.html`);
      assert.ok(!(res.headers.get('cache-control') ?? []).some((v) => v.includes('immutable')), `${path}: no immutable 404`);
      for (const name of Object.keys(COMMON_HEADERS)) assert.equal(res.headers.get(name.toLowerCase())?.length, 1, `${path}: ${name} on the 404 too`);
    }
  });

  test('issue 10 item 1: the build ships no config.json; the deployer writes it, then _headers and _redirects', async () => {
    const built = await buildAppOnce();
    const files = sitePaths(built);
    assert.ok(files.includes('/sw.js') && files.includes('/index.html'), files.join(', '));
    assert.ok(!files.includes('/config.json'), 'no config.json in the build');
    // sw.js carries the manifest of exactly these files, and loads no other script.
    const sw = readFileSync(join(built, 'sw.js'), 'utf8');
    const manifest = buildManifest(files.map((p) => ({ path: p, bytes: readFileSync(join(built, p)) })));
    assert.ok(sw.includes(JSON.stringify(JSON.stringify(manifest))), 'the manifest of the built files is in sw.js');
    assert.doesNotMatch(sw, /\bimport\s*[("'`{*]|\bimportScripts\(/, 'sw.js is self-contained');
    const d = f.stack.nginx!.deployment;
    assert.ok(existsSync(join(d.dist, '_headers')) && existsSync(join(d.dist, '_redirects')));
    assert.match(d.serverBlock, /^\s*include \/etc\/nginx\/mime\.types;$/m);
    assert.doesNotMatch(d.serverBlock, /^\s*include (?!\/)/m, 'every include is absolute');
  });

  test('issue 10: sign in, list, add, refresh, SW stopped, sign out on nginx with zero CSP or Trusted Types violations', async () => {
    const { page, app, watch } = await signedIn(f);
    assert.deepEqual(await app.titles(), [], 'alice starts with an empty list');
    await app.add('Water the plants');
    const refreshesBefore = f.proxy.tokenExchanges.filter((x) => x.request.get('grant_type') === 'refresh_token').length;
    await eventually(
      () =>
        f.proxy.tokenExchanges.filter((x) => x.request.get('grant_type') === 'refresh_token' && x.status === 200).length > refreshesBefore
          ? true
          : undefined,
      'a refresh-token grant answered 200',
      60_000,
    );
    await app.add('Call the plumber');
    await stopServiceWorkers(page);
    await page.reload();
    await app.checkbox('Call the plumber').waitFor();
    assert.deepEqual(await app.titles(), ['Water the plants', 'Call the plumber'], 'the list is back after the SW restarted');
    await waitForSession(page, 'signed-in');
    await app.signOutButton.click();
    await app.signInLink.waitFor();
    assert.equal((await waitForSession(page, 'signed-out')).status, 'signed-out');
    assert.deepEqual([...watch.violations, ...watch.consoleMessages], [], watch.describe());
  });

  for (const opener of ['iframe', 'popup'] as const) {
    test(`Attack on nginx: after registration.unregister(), a prompt=none ${opener} never yields a readable code`, async () => {
      const { page } = await signedIn(f);
      const o = f.stack.origins;
      assert.equal(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.unregister()), true);
      const req = authorizeRequest(o.issuer, o.appOrigin, { prompt: 'none', scope: 'openid' });
      const codesBefore = f.proxy.issuedCodes.length;
      const exchangesBefore = f.proxy.tokenExchanges.length;
      const readable = await runAttack(page, req.url.href, opener);
      const issued = f.proxy.issuedCodes.slice(codesBefore);
      assert.equal(issued.length, 1, 'the IdP issued a code (the attack really ran)');
      assert.ok(!readable.some((s) => s.includes(issued[0]!)), 'the attacker read the code');
      assert.ok(!f.proxy.tokenExchanges.slice(exchangesBefore).some((x) => x.request.get('code') === issued[0]), 'the code was exchanged');
    });
  }
});
