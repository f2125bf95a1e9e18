import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, configLoader, validateConfig } from '../../sw/config.ts';
import { APP, CONFIG } from './fake-idp.ts';

function rejects(raw: unknown, field: string): void {
  assert.throws(
    () => validateConfig(raw, APP),
    (e: unknown) => e instanceof ConfigError && e.code === 'config_invalid' && e.field === field,
  );
}

test('A10: a valid config is accepted and frozen', () => {
  const c = validateConfig(CONFIG, APP);
  assert.equal(c.issuer, CONFIG.issuer);
  assert.ok(Object.isFrozen(c));
});

test('config: not an object -> config_invalid (file)', () => rejects([], 'file'));
test('config: issuer missing -> config_invalid (issuer)', () => rejects({ ...CONFIG, issuer: undefined }, 'issuer'));
test('config: http issuer off localhost -> config_invalid (issuer)', () => rejects({ ...CONFIG, issuer: 'http://idp.example.com' }, 'issuer'));
test('config: issuer with a fragment -> config_invalid (issuer)', () => rejects({ ...CONFIG, issuer: 'https://idp.example.com#x' }, 'issuer'));
test('config: issuer with a query -> config_invalid (issuer)', () => rejects({ ...CONFIG, issuer: 'https://idp.example.com?x=1' }, 'issuer'));
test('config: https issuer is fine', () => assert.ok(validateConfig({ ...CONFIG, issuer: 'https://idp.example.com' }, APP)));
test('config: clientId empty -> config_invalid (clientId)', () => rejects({ ...CONFIG, clientId: '' }, 'clientId'));
test('config: redirectUri on another origin -> config_invalid', () =>
  rejects({ ...CONFIG, redirectUri: 'http://localhost:5174/callback' }, 'redirectUri'));
test('config: postLogoutRedirectUri on another origin -> config_invalid', () =>
  rejects({ ...CONFIG, postLogoutRedirectUri: 'https://evil.example/' }, 'postLogoutRedirectUri'));
test('config: scope without openid -> config_invalid (scope)', () => rejects({ ...CONFIG, scope: 'profile email' }, 'scope'));
test('config: apis empty -> config_invalid (apis)', () => rejects({ ...CONFIG, apis: [] }, 'apis'));
test('config: api origin with a path -> config_invalid', () =>
  rejects({ ...CONFIG, apis: [{ origin: 'http://localhost:4001/api' }] }, 'apis[0].origin'));
test('config: api origin with userinfo -> config_invalid', () =>
  rejects({ ...CONFIG, apis: [{ origin: 'http://u@localhost:4001' }] }, 'apis[0].origin'));
test('config: api origin with a trailing slash -> config_invalid', () =>
  rejects({ ...CONFIG, apis: [{ origin: 'http://localhost:4001/' }] }, 'apis[0].origin'));
test('config: api pathPrefix not starting with / -> config_invalid', () =>
  rejects({ ...CONFIG, apis: [{ origin: 'http://localhost:4001', pathPrefix: 'api' }] }, 'apis[0].pathPrefix'));
test('config: resource that is not a URL -> config_invalid', () => rejects({ ...CONFIG, resource: ['nope'] }, 'resource'));
test('config: resource and audience extras are kept', () => {
  const c = validateConfig({ ...CONFIG, resource: 'http://localhost:4001', audience: 'todos' }, APP);
  assert.deepEqual(c.resource, ['http://localhost:4001']);
  assert.equal(c.audience, 'todos');
});

test('config: loaded with cache no-store, memoized, unreachable -> config_unreachable', async () => {
  const inits: Array<RequestInit | undefined> = [];
  let fail = true;
  const load = configLoader(APP, (_url, init) => {
    inits.push(init);
    return fail ? Promise.reject(new TypeError('network')) : Promise.resolve(Response.json(CONFIG));
  });
  await assert.rejects(load(), (e: unknown) => e instanceof ConfigError && e.code === 'config_unreachable');
  fail = false;
  const a = await load();
  const b = await load();
  assert.equal(a, b);
  assert.equal(inits.length, 2);
  assert.equal(inits[1]?.cache, 'no-store');
});

test("config: redirectUri other than the SW's /callback -> config_invalid (redirectUri)", () => {
  rejects({ ...CONFIG, redirectUri: `${APP}/auth/callback` }, 'redirectUri');
  rejects({ ...CONFIG, redirectUri: `${APP}/callback?x=1` }, 'redirectUri');
});
