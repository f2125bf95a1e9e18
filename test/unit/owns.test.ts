import { test } from 'node:test';
import assert from 'node:assert/strict';
import { owns, routeTable, routerRules, type RequestFacts, type RouterCondition, type RouterRule } from '../../sw/owns.ts';

const SW = 'http://localhost:5173';
const SHELL = ['/index.html', '/app.css', '/favicon.svg', '/assets/index-B1X_5ZCA.js', '/assets/index-Cq(1).css'];
const table = routeTable(SHELL);
const req = (url: string, mode: RequestMode, destination: RequestDestination): RequestFacts => ({ url, mode, destination });

const cases: Array<[string, RequestFacts, ReturnType<typeof owns>]> = [
  ['login navigation', req(`${SW}/login?returnTo=/x`, 'navigate', 'document'), 'navigation'],
  ['callback navigation', req(`${SW}/callback?code=a&state=b`, 'navigate', 'document'), 'navigation'],
  ['callback in an iframe', req(`${SW}/callback?code=a`, 'navigate', 'iframe'), 'navigation'],
  ['logout navigation', req(`${SW}/logout?ticket=t`, 'navigate', 'document'), 'navigation'],
  ['silent-done page', req(`${SW}/silent-done`, 'navigate', 'iframe'), 'navigation'],
  ['app root navigation (shell)', req(`${SW}/`, 'navigate', 'document'), 'shell'],
  ['app root with a query (shell)', req(`${SW}/?auth_error=x`, 'navigate', 'document'), 'shell'],
  ['index.html navigation (shell)', req(`${SW}/index.html`, 'navigate', 'document'), 'shell'],
  ['hashed script (shell)', req(`${SW}/assets/index-B1X_5ZCA.js`, 'cors', 'script'), 'shell'],
  ['stylesheet (shell)', req(`${SW}/app.css`, 'no-cors', 'style'), 'shell'],
  ['icon (shell)', req(`${SW}/favicon.svg`, 'no-cors', 'image'), 'shell'],
  ['file name with pattern syntax (shell)', req(`${SW}/assets/index-Cq(1).css`, 'no-cors', 'style'), 'shell'],
  ['page fetch of a shell file (shell)', req(`${SW}/app.css`, 'cors', ''), 'shell'],
  ['an asset of another build', req(`${SW}/assets/index-OTHER.js`, 'cors', 'script'), null],
  ['a look-alike of a shell file', req(`${SW}/app.cssx`, 'no-cors', 'style'), null],
  ['/login/x is not /login', req(`${SW}/login/x`, 'navigate', 'document'), null],
  ['other app path', req(`${SW}/elsewhere`, 'navigate', 'document'), null],
  ['same-origin fetch of /login', req(`${SW}/login`, 'cors', ''), null],
  ['same-origin fetch of /', req(`${SW}/`, 'cors', ''), null],
  ['same-origin config fetch', req(`${SW}/config.json`, 'same-origin', ''), null],
  ['the SW script', req(`${SW}/sw.js`, 'same-origin', 'script'), null],
  ['cross-origin fetch (API)', req('http://localhost:4001/todos', 'cors', ''), 'cross-origin-script'],
  ['cross-origin no-cors fetch', req('http://localhost:4000/token', 'no-cors', ''), 'cross-origin-script'],
  ['cross-origin fetch of a shell path', req('http://localhost:4001/app.css', 'cors', ''), 'cross-origin-script'],
  ['cross-origin navigation', req('http://localhost:4001/todos', 'navigate', 'document'), null],
  ['cross-origin navigation to a SW route path', req('http://localhost:4001/login', 'navigate', 'document'), null],
  ['cross-origin image', req('http://localhost:4001/x.png', 'cors', 'image'), null],
  ['cross-origin script tag', req('http://localhost:4001/x.js', 'no-cors', 'script'), null],
  ['cross-origin iframe', req('http://localhost:4000/auth', 'navigate', 'iframe'), null],
  ['same host, other port', req('http://localhost:51730/login', 'navigate', 'document'), null],
  ['same host, other port, shell path', req('http://localhost:51730/app.css', 'no-cors', 'style'), null],
];

for (const [name, facts, expected] of cases) {
  test(`owns(): ${name} -> ${expected ?? 'not owned'}`, () => {
    assert.equal(owns(facts, SW, table), expected);
  });
}

test('owns(): without a precached index.html (dev server) app navigations are not owned', () => {
  assert.equal(owns(req(`${SW}/`, 'navigate', 'document'), SW, routeTable([])), null);
  assert.equal(owns(req(`${SW}/login`, 'navigate', 'document'), SW, routeTable([])), 'navigation');
});

/**
 * A model of Chromium's rule matching for the subset routerRules() emits: patterns are either
 * `/*` or an escaped literal path, resolved against the SW script URL (so same origin only, any
 * query). Anything else throws, so a rule this model does not understand cannot pass unseen.
 * The nginx e2e suite checks the same rules in Chromium itself (CDP router info).
 */
function patternMatches(pattern: string, url: URL): boolean {
  if (url.origin !== SW) return false;
  if (pattern === '/*') return true;
  const literal = pattern.replace(/\\(.)/g, '$1');
  if (/(?<!\\)[:*(){}+?]/.test(pattern)) throw new Error(`model cannot evaluate pattern ${pattern}`);
  return url.pathname === literal;
}

function conditionMatches(c: RouterCondition, r: RequestFacts): boolean {
  const keys = Object.keys(c);
  assert.ok(keys.length > 0, 'an empty condition is rejected by Chromium');
  if (c.or) {
    assert.deepEqual(keys, ['or'], '`or` cannot sit beside other keys');
    return c.or.some((x) => conditionMatches(x, r));
  }
  if (c.not) {
    assert.deepEqual(keys, ['not'], '`not` is kept alone too');
    return !conditionMatches(c.not, r);
  }
  return (
    (c.urlPattern === undefined || patternMatches(c.urlPattern, new URL(r.url))) &&
    (c.requestMode === undefined || c.requestMode === r.mode) &&
    (c.requestDestination === undefined || c.requestDestination === r.destination)
  );
}

/** The source the first matching rule names; no match means the fetch handler runs. */
function routedTo(rules: readonly RouterRule[], r: RequestFacts): RouterRule['source'] {
  return rules.find((rule) => conditionMatches(rule.condition, r))?.source ?? 'fetch-event';
}

for (const [name, facts, expected] of cases) {
  test(`routerRules() agree with owns(): ${name} -> ${expected ? 'fetch-event' : 'network'}`, () => {
    assert.equal(routedTo(routerRules(table), facts), expected ? 'fetch-event' : 'network');
  });
}

test('routerRules(): every path pattern is escaped (no regexp groups, no named groups)', () => {
  const patterns = JSON.stringify(routerRules(table));
  assert.ok(patterns.includes('/assets/index-Cq\\\\(1\\\\).css'), patterns);
});

test('issue 11: once the config is known, only script requests to the IdP and API origins are owned', () => {
  const known = new Set(['http://localhost:4000', 'http://localhost:4001']);
  assert.equal(owns(req('http://localhost:4001/todos', 'cors', ''), SW, table, known), 'cross-origin-script');
  assert.equal(owns(req('http://localhost:4000/token', 'cors', ''), SW, table, known), 'cross-origin-script');
  assert.equal(owns(req('https://cdn.example/lib.json', 'cors', ''), SW, table, known), null, 'a third party is left alone');
  assert.equal(owns(req('https://cdn.example/lib.json', 'cors', ''), SW, table), 'cross-origin-script', 'before the config is known, all are owned');
});
