import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchApi } from '../../sw/allow-list.ts';

const apis = [{ origin: 'http://localhost:4001' }, { origin: 'https://api.example.com', pathPrefix: '/api' }];

const table: Array<[string, boolean]> = [
  ['http://localhost:4001/todos', true],
  ['http://localhost:4001', true],
  ['http://LOCALHOST:4001/todos', true], // host case is normalised by URL parsing
  ['http://localhost:40011/todos', false],
  ['http://localhost:4001.evil.test/todos', false],
  ['http://localhost:4001@evil.test/todos', false],
  ['http://user:pw@localhost:4001/todos', false],
  ['https://localhost:4001/todos', false],
  ['http://localhost:4000/token', false],
  ['http://127.0.0.1:4001/todos', false],
  ['https://api.example.com/api', true],
  ['https://api.example.com/api/', true],
  ['https://api.example.com/api/todos?x=1', true],
  ['https://api.example.com/apix', false],
  ['https://api.example.com/ap', false],
  ['https://api.example.com/', false],
  ['https://api.example.com:444/api', false],
  ['https://api.example.com.evil/api', false],
  ['https://api.example.evil/api', false],
  ['not a url', false],
];

for (const [url, expected] of table) {
  test(`A6: allow-list ${expected ? 'matches' : 'refuses'} ${url}`, () => {
    assert.equal(matchApi(url, apis) !== undefined, expected);
  });
}

test('A6: a pathPrefix with a trailing slash still matches at the boundary', () => {
  const withSlash = [{ origin: 'https://api.example.com', pathPrefix: '/api/' }];
  assert.ok(matchApi('https://api.example.com/api', withSlash));
  assert.ok(matchApi('https://api.example.com/api/x', withSlash));
  assert.equal(matchApi('https://api.example.com/apix', withSlash), undefined);
});
