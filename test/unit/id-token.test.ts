import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT, createLocalJWKSet, generateKeyPair, UnsecuredJWT } from 'jose';
import { IdTokenError, allowedAlgorithms, verifyIdToken, type IdTokenExpectations } from '../../sw/id-token.ts';
import { CLIENT_ID, ISSUER, makeKeys, signIdToken } from './fake-idp.ts';

const NOW = 1_800_000_000_000;
const keys = await makeKeys();
const jwks = createLocalJWKSet({ keys: [keys.jwk] });
const expect: IdTokenExpectations = { issuer: ISSUER, clientId: CLIENT_ID, algorithms: ['ES256'], nonce: 'n-1', now: () => NOW };

async function codeOf(token: string, x: IdTokenExpectations = expect): Promise<string | undefined> {
  try {
    await verifyIdToken(token, jwks, x);
  } catch (e) {
    return e instanceof IdTokenError ? e.code : 'other';
  }
  return undefined;
}

test('A4: a good ID token yields profile claims', async () => {
  const r = await verifyIdToken(await signIdToken(keys, { nonce: 'n-1' }, { now: NOW }), jwks, expect);
  assert.deepEqual(r.profile, { sub: 'alice', name: 'Alice', email: 'alice@example.test' });
});
test('A4: wrong aud -> id-token-invalid', async () => {
  const t = await new SignJWT({ sub: 'alice', nonce: 'n-1' })
    .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
    .setIssuer(ISSUER)
    .setAudience('another-client')
    .setIssuedAt(NOW / 1000)
    .setExpirationTime(NOW / 1000 + 300)
    .sign(keys.privateKey);
  assert.equal(await codeOf(t), 'id_token_invalid');
});
test('A4: wrong iss -> id-token-invalid', async () => {
  const t = await new SignJWT({ sub: 'alice', nonce: 'n-1' })
    .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
    .setIssuer('http://localhost:4999')
    .setAudience(CLIENT_ID)
    .setIssuedAt(NOW / 1000)
    .setExpirationTime(NOW / 1000 + 300)
    .sign(keys.privateKey);
  assert.equal(await codeOf(t), 'id_token_invalid');
});
test('A4: old exp -> id-token-invalid', async () => {
  assert.equal(await codeOf(await signIdToken(keys, { nonce: 'n-1' }, { now: NOW - 3_600_000 })), 'id_token_invalid');
});
test('A4: wrong nonce -> id-token-nonce', async () => {
  assert.equal(await codeOf(await signIdToken(keys, { nonce: 'other' }, { now: NOW })), 'id_token_nonce');
});
test('A4: missing nonce -> id-token-nonce', async () => {
  assert.equal(await codeOf(await signIdToken(keys, {}, { now: NOW })), 'id_token_nonce');
});
test('A4: alg none -> id-token-alg (jose refuses the alg before it looks at the signature)', async () => {
  const t = new UnsecuredJWT({ sub: 'alice', nonce: 'n-1' })
    .setIssuer(ISSUER)
    .setAudience(CLIENT_ID)
    .setIssuedAt(NOW / 1000)
    .setExpirationTime(NOW / 1000 + 300)
    .encode();
  assert.equal(await codeOf(t), 'id_token_alg');
});
test('A4: HS256 keyed with anything -> id-token-alg', async () => {
  const t = await new SignJWT({ sub: 'alice', nonce: 'n-1' })
    .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
    .setIssuer(ISSUER)
    .setAudience(CLIENT_ID)
    .setIssuedAt(NOW / 1000)
    .setExpirationTime(NOW / 1000 + 300)
    .sign(new TextEncoder().encode('x'.repeat(32)));
  assert.equal(await codeOf(t), 'id_token_alg');
});
test('A4: bad signature (another key, same kid) -> id-token-invalid', async () => {
  const other = await generateKeyPair('ES256');
  const t = await new SignJWT({ sub: 'alice', nonce: 'n-1' })
    .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
    .setIssuer(ISSUER)
    .setAudience(CLIENT_ID)
    .setIssuedAt(NOW / 1000)
    .setExpirationTime(NOW / 1000 + 300)
    .sign(other.privateKey);
  assert.equal(await codeOf(t), 'id_token_invalid');
});
test('A4: several audiences need azp = client_id', async () => {
  const t = await new SignJWT({ sub: 'alice', nonce: 'n-1' })
    .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
    .setIssuer(ISSUER)
    .setAudience([CLIENT_ID, 'other'])
    .setIssuedAt(NOW / 1000)
    .setExpirationTime(NOW / 1000 + 300)
    .sign(keys.privateKey);
  assert.equal(await codeOf(t), 'id_token_azp');
});
test('A4: refresh ID token for another sub -> id-token-sub', async () => {
  const t = await signIdToken(keys, { sub: 'bob' }, { now: NOW });
  // A refresh response is checked without a nonce (OIDC §12.2).
  const { nonce: _, ...refresh } = expect;
  assert.equal(await codeOf(t, { ...refresh, sub: 'alice' }), 'id_token_sub');
});
test('A4: the algorithm allow-list drops none and HS*', () => {
  assert.deepEqual(allowedAlgorithms(['RS256', 'none', 'HS256', 'ES256']), ['RS256', 'ES256']);
  assert.deepEqual(allowedAlgorithms(undefined), ['RS256']);
});
