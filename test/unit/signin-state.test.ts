import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateConfig } from '../../sw/config.ts';
import { safeReturnTo } from '../../sw/return-to.ts';
import { MemoryPendingBackend, PENDING_TTL_MS, PendingError, VerifiedStateStore, commitment, verifyEntry } from '../../sw/signin-state.ts';
import type { PendingErrorCode } from '../../sw/errors.ts';
import { APP, CONFIG } from './fake-idp.ts';

const config = validateConfig(CONFIG, APP);
const NOW = 1_800_000_000_000;
const KEY = '0123456789abcdef0123456789abcdef';
/** An entry as oidc-client-ts 3.5.0's `SigninState.toStorageString()` writes it. */
const entry: Record<string, unknown> = {
  id: KEY,
  data: { returnTo: '/todos?filter=open', mode: 'interactive' },
  created: Math.floor(NOW / 1000) - 1,
  code_verifier: 'v'.repeat(96),
  authority: config.issuer,
  client_id: config.clientId,
  redirect_uri: config.redirectUri,
  scope: config.scope,
  extraTokenParams: {},
  response_mode: 'query',
  nonce: 'nonce-0123456789abcdef',
};
const committed = (e: Record<string, unknown>) =>
  commitment({ id: KEY, code_verifier: e['code_verifier'] as string, nonce: e['nonce'] as string, created: e['created'] as number, data: e['data'] });
const GOOD = await committed(entry);

/** `expected: null` stands for a callback whose `state` carries no commitment. */
async function codeOf(e: Record<string, unknown>, expected: string | null = GOOD, key = KEY): Promise<PendingErrorCode | 'accepted'> {
  try {
    await verifyEntry(JSON.stringify(e), key, expected ?? undefined, config, NOW);
    return 'accepted';
  } catch (err) {
    assert.ok(err instanceof PendingError, String(err));
    return err.code;
  }
}

test('A2: an untouched entry passes; what the library gets is rebuilt from config', async () => {
  const { storage, signin } = await verifyEntry(JSON.stringify(entry), KEY, GOOD, config, NOW);
  assert.deepEqual(signin, { state: KEY, nonce: entry['nonce'], data: entry['data'] });
  const rebuilt = JSON.parse(storage) as Record<string, unknown>;
  assert.equal(rebuilt['authority'], config.issuer);
  assert.equal(rebuilt['redirect_uri'], config.redirectUri);
  assert.deepEqual(rebuilt['extraTokenParams'], {});
});

for (const [label, change, code] of [
  ['another redirect URI', { redirect_uri: 'https://evil.example/cb' }, 'pending_mismatch'],
  ['another client', { client_id: 'other' }, 'pending_mismatch'],
  ['another issuer', { authority: 'https://evil.example' }, 'pending_mismatch'],
  ['another scope', { scope: 'openid' }, 'pending_mismatch'],
  ['fragment response mode', { response_mode: 'fragment' }, 'pending_mismatch'],
  ['an added extraTokenParams', { extraTokenParams: { client_id: 'evil' } }, 'pending_mismatch'],
  ['a client secret', { client_secret: 'x' }, 'pending_mismatch'],
  ['a short verifier', { code_verifier: 'short' }, 'pending_malformed'],
  ['a malformed nonce', { nonce: 'a b' }, 'pending_malformed'],
  ['an unknown mode', { data: { returnTo: '/', mode: 'evil' } }, 'pending_malformed'],
  ['an age over 10 minutes', { created: Math.floor((NOW - PENDING_TTL_MS) / 1000) - 2 }, 'pending_expired'],
  ['a creation time in the future', { created: Math.floor(NOW / 1000) + 3600 }, 'pending_expired'],
] as const) {
  test(`A2: an entry with ${label} is refused (${code})`, async () => {
    assert.equal(await codeOf({ ...entry, ...change }), code);
  });
}

test('A2: a rewritten verifier, nonce or returnTo of valid shape breaks the commitment (pending_mismatch)', async () => {
  assert.equal(await codeOf({ ...entry, code_verifier: 'w'.repeat(96) }), 'pending_mismatch');
  assert.equal(await codeOf({ ...entry, nonce: 'another-nonce-0123456789' }), 'pending_mismatch');
  assert.equal(await codeOf({ ...entry, data: { returnTo: '/elsewhere', mode: 'interactive' } }), 'pending_mismatch');
});

test('A2: without the commitment from the callback nothing passes (pending_mismatch)', async () => {
  assert.equal(await codeOf(entry, null), 'pending_mismatch');
});

test('A2: an entry stored under another key is refused (pending_mismatch)', async () => {
  assert.equal(await codeOf(entry, GOOD, 'another-state-value-000'), 'pending_mismatch');
});

test('A2: nothing stored, or not a string, is refused (pending_missing, pending_malformed)', async () => {
  await assert.rejects(verifyEntry(undefined, KEY, GOOD, config, NOW), (e) => e instanceof PendingError && e.code === 'pending_missing');
  await assert.rejects(verifyEntry({ ...entry }, KEY, GOOD, config, NOW), (e) => e instanceof PendingError && e.code === 'pending_malformed');
});

test('A2: a tampered returnTo that still matches the commitment is replaced by /', async () => {
  for (const bad of [
    'https://evil.example',
    '//evil.example',
    '/\\evil.example',
    'evil',
    '/a/..//evil.example',
    '/\t/evil.example',
    'javascript:alert(1)',
  ]) {
    const e = { ...entry, data: { returnTo: bad, mode: 'interactive' } };
    const { signin } = await verifyEntry(JSON.stringify(e), KEY, await committed(e), config, NOW);
    assert.equal(signin.data.returnTo, '/', bad);
  }
});

test('A2: safeReturnTo keeps paths and queries and drops fragments', () => {
  assert.equal(safeReturnTo('/a/b?c=d#frag'), '/a/b?c=d');
  assert.equal(safeReturnTo(null), '/');
});

test('A2: the store reads each state once, preferring its memory copy over a rewritten stored one', async () => {
  const backend = new MemoryPendingBackend();
  const store = new VerifiedStateStore(config, backend, () => NOW);
  await store.set(KEY, JSON.stringify(entry));
  backend.entries.set(KEY, JSON.stringify({ ...entry, client_id: 'evil' }));
  store.expect(KEY, GOOD);
  assert.ok(await store.remove(KEY));
  assert.equal(backend.entries.size, 0, 'the stored copy is deleted too');
  assert.deepEqual(store.outcome(KEY), { state: KEY, nonce: entry['nonce'], data: entry['data'] });
  store.expect(KEY, GOOD);
  assert.equal(await store.remove(KEY), null);
  const again = store.outcome(KEY);
  assert.ok(again instanceof PendingError && again.code === 'pending_missing');
});

test('A2: a restarted SW (no memory copy) verifies what storage holds', async () => {
  const backend = new MemoryPendingBackend();
  backend.entries.set(KEY, JSON.stringify({ ...entry, redirect_uri: 'https://evil.example/cb' }));
  const store = new VerifiedStateStore(config, backend, () => NOW);
  store.expect(KEY, GOOD);
  assert.equal(await store.remove(KEY), null);
  const o = store.outcome(KEY);
  assert.ok(o instanceof PendingError && o.code === 'pending_mismatch');
});

test('A8: only sign-ins are persisted; a sign-out state stays in memory', async () => {
  const backend = new MemoryPendingBackend();
  const store = new VerifiedStateStore(config, backend, () => NOW);
  await store.set('signout-state-0123456789', JSON.stringify({ id: 'signout-state-0123456789', created: 1, data: {} }));
  assert.equal(backend.entries.size, 0);
  assert.deepEqual(await store.getAllKeys(), ['signout-state-0123456789']);
});
