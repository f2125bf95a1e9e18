/** The silent-recovery iframe's last page, built with only the config (issue 11: narrow contexts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateConfig } from '../../sw/config.ts';
import { handleSilentDone } from '../../sw/handlers/silent-done.ts';
import { APP, CONFIG, navigation } from './fake-idp.ts';

const csp = (res: Response) => res.headers.get('Content-Security-Policy') ?? '';

test('/silent-done: a scriptless page only the app itself may frame', async () => {
  const config = validateConfig(CONFIG, APP);
  const res = await handleSilentDone(navigation(`${APP}/silent-done`), { config: () => Promise.resolve(config) });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('Content-Type') ?? '', /^text\/html/);
  assert.match(csp(res), /frame-ancestors 'self'/);
  assert.match(csp(res), /require-trusted-types-for 'script'/);
  assert.doesNotMatch(await res.text(), /<script/i);
});

test('/silent-done: without a config it still ends the iframe, framed by the app only', async () => {
  const res = await handleSilentDone(navigation(`${APP}/silent-done`), { config: () => Promise.reject(new Error('config.json unreachable')) });
  assert.equal(res.status, 200);
  assert.match(csp(res), /frame-ancestors 'self'/);
  assert.match(await res.text(), /Signing in/);
});
