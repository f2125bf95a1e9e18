import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateConfig } from '../../sw/config.ts';
import { MemoryPendingStore, PENDING_TTL_MS, PendingError, checkPending, safeReturnTo, type PendingSignin } from '../../sw/pending-store.ts';
import { APP, CONFIG } from './fake-idp.ts';

const config = validateConfig(CONFIG, APP);
const NOW = 1_800_000_000_000;
const entry: PendingSignin = {
  state: 'state-0123456789abcdef',
  nonce: 'nonce-0123456789abcdef',
  codeVerifier: 'v'.repeat(43),
  returnTo: '/todos?filter=open',
  createdAt: NOW - 1000,
  mode: 'interactive',
  issuer: config.issuer,
  clientId: config.clientId,
  redirectUri: config.redirectUri,
};

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof PendingError ? e.code : 'other';
  }
  return undefined;
}

test('A2: a fresh entry passes and keeps its same-origin returnTo', () => {
  assert.equal(checkPending(entry, entry.state, config, NOW).returnTo, '/todos?filter=open');
});
test('A2: an entry older than 10 minutes is refused (pending-expired)', () => {
  assert.equal(code(() => checkPending({ ...entry, createdAt: NOW - PENDING_TTL_MS - 1 }, entry.state, config, NOW)), 'pending-expired');
});
test('A2: an entry from the future is refused (pending-expired)', () => {
  assert.equal(code(() => checkPending({ ...entry, createdAt: NOW + 3_600_000 }, entry.state, config, NOW)), 'pending-expired');
});
test('A2: a planted entry with another redirect URI is refused (pending-mismatch)', () => {
  assert.equal(code(() => checkPending({ ...entry, redirectUri: 'https://evil.example/cb' }, entry.state, config, NOW)), 'pending-mismatch');
});
test('A2: a planted entry for another client is refused (pending-mismatch)', () => {
  assert.equal(code(() => checkPending({ ...entry, clientId: 'other' }, entry.state, config, NOW)), 'pending-mismatch');
});
test('A2: a planted entry for another issuer is refused (pending-mismatch)', () => {
  assert.equal(code(() => checkPending({ ...entry, issuer: 'https://evil.example' }, entry.state, config, NOW)), 'pending-mismatch');
});
test('A2: an entry stored under another state is refused (pending-mismatch)', () => {
  assert.equal(code(() => checkPending(entry, 'another-state-value', config, NOW)), 'pending-mismatch');
});
test('A1: a short or malformed verifier is refused (pending-malformed)', () => {
  assert.equal(code(() => checkPending({ ...entry, codeVerifier: 'short' }, entry.state, config, NOW)), 'pending-malformed');
});
test('A2: no entry at all is refused (pending-malformed)', () => {
  assert.equal(code(() => checkPending(undefined, entry.state, config, NOW)), 'pending-malformed');
});
test('A2: a tampered returnTo is replaced by /', () => {
  for (const bad of ['https://evil.example', '//evil.example', '/\\evil.example', 'evil', '/a/..//evil.example', '/\t/evil.example', 'javascript:alert(1)']) {
    assert.equal(checkPending({ ...entry, returnTo: bad }, entry.state, config, NOW).returnTo, '/', bad);
  }
});
test('A2: safeReturnTo keeps paths and queries and drops fragments', () => {
  assert.equal(safeReturnTo('/a/b?c=d#frag'), '/a/b?c=d');
  assert.equal(safeReturnTo(null), '/');
});
test('A2: take() is one-time (replay finds nothing)', async () => {
  const store = new MemoryPendingStore();
  await store.put(entry);
  assert.ok(await store.take(entry.state));
  assert.equal(await store.take(entry.state), undefined);
});
