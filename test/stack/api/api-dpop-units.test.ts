/** B7's time- and size-bound parts with a frozen clock: nonces, the jti replay cache, htu normalisation. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DpopNonces, NONCE_SLOT_SEC } from './dpop-nonce.ts';
import { normaliseHtu } from './dpop-proof.ts';
import { ReplayCache } from './dpop-replay.ts';

describe('B7: DPoP nonces (RFC 9449 §9)', () => {
  it('B7: a nonce is current in its slot, previous in the next one (answered with a new one), then invalid', () => {
    let now = 1_700_000_000_000;
    const nonces = new DpopNonces(() => now);
    const n = nonces.current();
    assert.equal(nonces.check(n), 'current');
    now += NONCE_SLOT_SEC * 1000;
    assert.equal(nonces.check(n), 'previous');
    assert.notEqual(nonces.current(), n);
    now += NONCE_SLOT_SEC * 1000;
    assert.equal(nonces.check(n), 'invalid');
  });

  it('B7: nonces are unpredictable: another instance (another secret) does not accept them', () => {
    const now = () => 1_700_000_000_000;
    const a = new DpopNonces(now);
    const b = new DpopNonces(now);
    assert.notEqual(a.current(), b.current());
    assert.equal(b.check(a.current()), 'invalid');
    assert.equal(a.check(undefined), 'invalid');
    assert.equal(a.check(42), 'invalid');
  });
});

describe('B7: the jti replay cache (bounded in time and size)', () => {
  it('B7: a jti is refused a second time while its window lasts, and forgotten after it', () => {
    const cache = new ReplayCache({ windowSec: 65 });
    assert.equal(cache.claim('k:1', 1000, 1000), 'fresh');
    assert.equal(cache.claim('k:1', 1000, 1064), 'replayed');
    assert.equal(cache.claim('k:2', 1066, 1066), 'fresh');
    assert.equal(cache.size, 1, 'k:1 expired and went');
  });

  it('B7: when full, the oldest goes and its iat becomes a floor, so the evicted jti can never be replayed', () => {
    const cache = new ReplayCache({ windowSec: 65, maxEntries: 2 });
    assert.equal(cache.claim('k:a', 100, 100), 'fresh');
    assert.equal(cache.claim('k:b', 101, 101), 'fresh');
    assert.equal(cache.claim('k:c', 102, 102), 'fresh');
    assert.equal(cache.size, 2);
    assert.equal(cache.claim('k:a', 100, 103), 'too_old', 'the evicted proof is refused, not accepted again');
    assert.equal(cache.claim('k:d', 103, 103), 'fresh', 'a new proof is fine');
  });
});

describe('B7: htu normalisation (RFC 9449 §4.3, RFC 3986 §6.2.2-6.2.3)', () => {
  const cases: Array<[string, string | undefined]> = [
    ['http://localhost:4001/todos', 'http://localhost:4001/todos'],
    ['HTTP://LocalHost:4001/todos?x=1#y', 'http://localhost:4001/todos'],
    ['https://api.example:443/todos', 'https://api.example/todos'],
    ['https://api.example', 'https://api.example/'],
    ['https://api.example/a/../todos', 'https://api.example/todos'],
    ['https://api.example/%7e%2f', 'https://api.example/~%2F'],
    ['https://user:pw@api.example/todos', 'https://api.example/todos'],
    ['ftp://api.example/todos', undefined],
    ['/todos', undefined],
  ];
  for (const [input, expected] of cases) {
    it(`B7: ${input} → ${String(expected)}`, () => {
      assert.equal(normaliseHtu(input), expected);
    });
  }
});
