import { test } from 'node:test';
import assert from 'node:assert/strict';
import { owns, type RequestFacts } from '../../sw/owns.ts';

const SW = 'http://localhost:5173';
const req = (url: string, mode: RequestMode, destination: RequestDestination): RequestFacts => ({ url, mode, destination });

const cases: Array<[string, RequestFacts, ReturnType<typeof owns>]> = [
  ['login navigation', req(`${SW}/login?returnTo=/x`, 'navigate', 'document'), 'navigation'],
  ['callback navigation', req(`${SW}/callback?code=a&state=b`, 'navigate', 'document'), 'navigation'],
  ['callback in an iframe', req(`${SW}/callback?code=a`, 'navigate', 'iframe'), 'navigation'],
  ['logout navigation', req(`${SW}/logout?ticket=t`, 'navigate', 'document'), 'navigation'],
  ['silent-done page', req(`${SW}/silent-done`, 'navigate', 'iframe'), 'navigation'],
  ['app root navigation', req(`${SW}/`, 'navigate', 'document'), null],
  ['/login/x is not /login', req(`${SW}/login/x`, 'navigate', 'document'), null],
  ['same-origin fetch of /login', req(`${SW}/login`, 'cors', ''), null],
  ['same-origin static asset', req(`${SW}/assets/index.js`, 'cors', 'script'), null],
  ['same-origin config fetch', req(`${SW}/config.json`, 'same-origin', ''), null],
  ['cross-origin fetch (API)', req('http://localhost:4001/todos', 'cors', ''), 'cross-origin-script'],
  ['cross-origin no-cors fetch', req('http://localhost:4000/token', 'no-cors', ''), 'cross-origin-script'],
  ['cross-origin navigation', req('http://localhost:4001/todos', 'navigate', 'document'), null],
  ['cross-origin image', req('http://localhost:4001/x.png', 'cors', 'image'), null],
  ['cross-origin script tag', req('http://localhost:4001/x.js', 'no-cors', 'script'), null],
  ['cross-origin iframe', req('http://localhost:4000/auth', 'navigate', 'iframe'), null],
  ['same host, other port', req('http://localhost:51730/login', 'navigate', 'document'), null],
];

for (const [name, facts, expected] of cases) {
  test(`owns(): ${name} -> ${expected ?? 'not owned'}`, () => {
    assert.equal(owns(facts, SW), expected);
  });
}
