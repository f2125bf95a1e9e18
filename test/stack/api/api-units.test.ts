/** Unit tests with a frozen clock for the pieces whose behaviour depends on time (B3, B8). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from './errors.ts';
import { checkIntrospectionAnswer } from './introspect.ts';
import { IntrospectionCache } from './introspection-cache.ts';
import { checkIssuedAtNotInFuture } from './validate-jwt.ts';

const principal = { sub: 'alice', scopes: new Set(['todos:read']) };

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof ApiError ? err.code : 'not an ApiError';
  }
  return undefined;
}

describe('B8: introspection cache bound', () => {
  it('B8: an entry lives at most maxAge (30 s default) even when the token lives longer', () => {
    let now = 1_000_000;
    const cache = new IntrospectionCache({ now: () => now });
    cache.set('tok', principal, now / 1000 + 3600);
    now += 29_999;
    assert.equal(cache.get('tok'), principal);
    now += 1;
    assert.equal(cache.get('tok'), undefined);
  });

  it('B8: an entry never outlives the token exp', () => {
    let now = 1_000_000;
    const cache = new IntrospectionCache({ now: () => now });
    cache.set('tok', principal, now / 1000 + 5);
    now += 4_999;
    assert.equal(cache.get('tok'), principal);
    now += 1;
    assert.equal(cache.get('tok'), undefined);
  });

  it('B8: the cache is bounded in size (oldest evicted) and does not store already-expired answers', () => {
    const now = 1_000_000;
    const cache = new IntrospectionCache({ now: () => now, maxEntries: 3 });
    for (const t of ['a', 'b', 'c', 'd']) cache.set(t, principal, now / 1000 + 60);
    assert.equal(cache.size, 3);
    assert.equal(cache.get('a'), undefined);
    assert.equal(cache.get('d'), principal);
    cache.set('old', principal, now / 1000 - 1);
    assert.equal(cache.get('old'), undefined);
  });
});

describe('B8: introspection answer checks', () => {
  const expected = { audience: 'http://localhost:4001', issuer: 'http://localhost:4000' };
  const nowSec = 1_700_000_000;
  const good = {
    active: true,
    aud: expected.audience,
    iss: expected.issuer,
    sub: 'alice',
    exp: nowSec + 60,
    scope: 'todos:read',
    token_type: 'Bearer',
  };

  it('B8: an active answer for this API gives the principal', () => {
    const { principal: p, exp } = checkIntrospectionAnswer(good, expected, nowSec);
    assert.equal(p.sub, 'alice');
    assert.deepEqual([...p.scopes], ['todos:read']);
    assert.equal(exp, nowSec + 60);
  });

  const bad: Array<[string, Record<string, unknown>]> = [
    ['active: false', { active: false }],
    ['active: "true" (not a boolean)', { ...good, active: 'true' }],
    ['another audience', { ...good, aud: 'http://localhost:4999' }],
    ['no audience', { ...good, aud: undefined }],
    ['another issuer', { ...good, iss: 'http://localhost:1' }],
    ['a DPoP-bound token', { ...good, token_type: 'DPoP' }],
    ['no exp', { ...good, exp: undefined }],
    ['expired', { ...good, exp: nowSec - 1 }],
    ['no sub', { ...good, sub: undefined }],
  ];
  for (const [name, answer] of bad) {
    it(`B8: ${name} → invalid_token`, () => {
      assert.equal(
        code(() => checkIntrospectionAnswer(answer, expected, nowSec)),
        'invalid_token',
      );
    });
  }
  it('B8: aud as an array containing this API is accepted', () => {
    assert.equal(
      code(() => checkIntrospectionAnswer({ ...good, aud: ['x', expected.audience] }, expected, nowSec)),
      undefined,
    );
  });
});

describe('B3: iat not in the future', () => {
  it('B3: iat within the tolerance passes; beyond it is invalid_token', () => {
    assert.equal(
      code(() => checkIssuedAtNotInFuture({ iat: 1005 }, 5, 1000)),
      undefined,
    );
    assert.equal(
      code(() => checkIssuedAtNotInFuture({ iat: 1006 }, 5, 1000)),
      'invalid_token',
    );
  });
});
