/**
 * Issue 12: the verified-token cache. TokenCache alone (hit, miss, expiry, bound, one character
 * off), then JwtValidator with a frozen clock and real ES256 tokens: an expired token is never
 * served from the cache, and the decisions are those of full validation.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { useTeardown } from '../teardown.ts';
import { Discovery } from './discovery.ts';
import { ApiError } from './errors.ts';
import type { Principal } from './principal.ts';
import { TokenCache } from './token-cache.ts';
import { mint, startTestIssuer, type TestIssuer } from './test-helpers.ts';
import { DEFAULT_VERIFIED_TOKEN_CACHE_SIZE, JwtValidator } from './validate-jwt.ts';

const alice: Principal = { sub: 'alice', scopes: new Set(['todos:read']) };
const bob: Principal = { sub: 'bob', scopes: new Set(['todos:read']) };
const AUDIENCE = 'http://localhost:4001';

describe('TokenCache', () => {
  it('hit: a stored token gives its value back; miss: an unknown one gives undefined', () => {
    const cache = new TokenCache<Principal>({ maxEntries: 10, now: () => 1_000 });
    cache.set('token-a', alice, 2_000);
    assert.equal(cache.get('token-a'), alice);
    assert.equal(cache.get('token-b'), undefined);
  });

  it('a token differing by one character is a miss', () => {
    const cache = new TokenCache<Principal>({ maxEntries: 10, now: () => 1_000 });
    cache.set('eyJhbGciOiJFUzI1NiJ9.payload.signatureA', alice, 2_000);
    assert.equal(cache.get('eyJhbGciOiJFUzI1NiJ9.payload.signatureB'), undefined);
    assert.equal(cache.get('eyJhbGciOiJFUzI1NiJ9.payload.signatureA '), undefined);
  });

  it('expiry: served until just before expiresAt, never at or after it; an already-expired entry is not stored', () => {
    let now = 1_000;
    const cache = new TokenCache<Principal>({ maxEntries: 10, now: () => now });
    cache.set('t', alice, 2_000);
    now = 1_999;
    assert.equal(cache.get('t'), alice);
    now = 2_000;
    assert.equal(cache.get('t'), undefined);
    assert.equal(cache.size, 0, 'the expired entry is gone');
    cache.set('late', alice, 2_000);
    assert.equal(cache.size, 0);
  });

  it('bound: at most maxEntries, the least recently used evicted first', () => {
    const cache = new TokenCache<Principal>({ maxEntries: 2, now: () => 0 });
    cache.set('a', alice, 10);
    cache.set('b', bob, 10);
    assert.equal(cache.get('a'), alice); // a is now the most recently used
    cache.set('c', bob, 10);
    assert.equal(cache.size, 2);
    assert.equal(cache.get('b'), undefined, 'b was least recently used');
    assert.equal(cache.get('a'), alice);
    assert.equal(cache.get('c'), bob);
  });
});

describe('issue 12: JwtValidator with the verified-token cache', () => {
  let iss: TestIssuer;
  const teardown = useTeardown();
  before(async () => {
    iss = teardown.add(await startTestIssuer());
  });

  const validator = (now: () => number, cacheSize?: number): JwtValidator =>
    new JwtValidator({
      issuer: iss.issuer,
      audience: AUDIENCE,
      clockToleranceSec: 5,
      discovery: new Discovery(iss.issuer),
      now,
      ...(cacheSize !== undefined ? { cacheSize } : {}),
    });

  const code = async (p: Promise<unknown>): Promise<string | undefined> =>
    p.then(
      () => undefined,
      (e: unknown) => (e instanceof ApiError ? e.code : 'not an ApiError'),
    );

  it(`caches a verified token (default ${DEFAULT_VERIFIED_TOKEN_CACHE_SIZE} entries); a one-character change is verified afresh and refused`, async () => {
    assert.equal(DEFAULT_VERIFIED_TOKEN_CACHE_SIZE, 1_000);
    const v = validator(Date.now);
    const token = await mint(iss, AUDIENCE);
    const first = await v.validate(token);
    assert.equal(first.sub, 'alice-sub');
    assert.equal(v.cached, 1);
    assert.equal(await v.validate(token), first, 'the same object: served from the cache, not verified again');
    // Not the last character: in a 64-byte signature its low bits are padding and may decode the same.
    const at = token.length - 10;
    const flipped = `${token.slice(0, at)}${token[at] === 'A' ? 'B' : 'A'}${token.slice(at + 1)}`;
    assert.equal(await code(v.validate(flipped)), 'invalid_token');
    assert.equal(v.cached, 1, 'a refused token is not cached');
  });

  it('an expired token is never served from the cache: past exp + tolerance it is invalid_token, as without the cache', async () => {
    const start = Date.now();
    let now = start;
    const v = validator(() => now);
    const exp = Math.floor(start / 1000) + 60;
    const token = await mint(iss, AUDIENCE, { claims: { exp } });
    assert.equal((await v.validate(token)).sub, 'alice-sub');
    now = exp * 1000 - 1;
    assert.equal((await v.validate(token)).sub, 'alice-sub', 'served until just before exp');
    now = exp * 1000 + 2_000;
    assert.equal((await v.validate(token)).sub, 'alice-sub', 'inside the 5 s tolerance full validation still accepts it');
    now = exp * 1000 + 6_000;
    assert.equal(await code(v.validate(token)), 'invalid_token');
    assert.equal(await code(validator(() => now, 0).validate(token)), 'invalid_token', 'same answer without a cache');
  });

  it('the cached principal keeps the token scopes: decisions per route are unchanged', async () => {
    const v = validator(Date.now);
    const readOnly = await mint(iss, AUDIENCE, { claims: { scope: 'todos:read' } });
    await v.validate(readOnly);
    const again = await v.validate(readOnly);
    assert.deepEqual([...again.scopes], ['todos:read']);
  });

  it('cacheSize 0 turns the cache off', async () => {
    const v = validator(Date.now, 0);
    await v.validate(await mint(iss, AUDIENCE));
    assert.equal(v.cached, 0);
  });
});
