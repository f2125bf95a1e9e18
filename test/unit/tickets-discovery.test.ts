/** Issue 11: direct tests for the logout tickets' lifetime and the discovery checks. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DiscoveryError, validateDiscovery } from '../../sw/oidc.ts';
import { TICKET_TTL_MS, TicketBook } from '../../sw/tickets.ts';
import { DISCOVERY, ISSUER } from './fake-idp.ts';

test('logout CSRF: a ticket works once, within its lifetime, and never after it', () => {
  let now = 1_000_000;
  const book = new TicketBook(() => now);
  const a = book.issue();
  const b = book.issue();
  assert.notEqual(a, b);
  assert.equal(book.consume(a), true);
  assert.equal(book.consume(a), false, 'once');
  now += TICKET_TTL_MS + 1;
  assert.equal(book.consume(b), false, 'expired');
  assert.equal(book.consume(null), false);
  assert.equal(book.consume('never-issued-ticket-value'), false);
});

function code(raw: unknown): string {
  try {
    validateDiscovery(raw, ISSUER);
    return 'accepted';
  } catch (e) {
    assert.ok(e instanceof DiscoveryError, String(e));
    return e.code;
  }
}

test('discovery: the issuer must be exactly the configured one (OIDC Discovery §4.3)', () => {
  assert.equal(code(DISCOVERY), 'accepted');
  assert.equal(code({ ...DISCOVERY, issuer: `${ISSUER}/` }), 'discovery_invalid');
  assert.equal(code({ ...DISCOVERY, issuer: 'https://evil.example' }), 'discovery_invalid');
});

test('discovery: required endpoints present, every endpoint https (http only on localhost), URLs parse', () => {
  assert.equal(code({ ...DISCOVERY, token_endpoint: undefined }), 'discovery_invalid');
  assert.equal(code({ ...DISCOVERY, jwks_uri: 'http://idp.example/jwks' }), 'discovery_invalid');
  assert.equal(code({ ...DISCOVERY, revocation_endpoint: 'not a url' }), 'discovery_invalid');
  assert.equal(code({ ...DISCOVERY, end_session_endpoint: 42 }), 'discovery_invalid');
  assert.equal(code(null), 'discovery_invalid');
});

test('discovery: what we use is kept, RFC 9207 support read strictly, algorithms filtered to strings', () => {
  const d = validateDiscovery(
    { ...DISCOVERY, authorization_response_iss_parameter_supported: 'yes', id_token_signing_alg_values_supported: ['ES256', 7] },
    ISSUER,
  );
  assert.equal(d.authorization_response_iss_parameter_supported, false);
  assert.deepEqual(d.id_token_signing_alg_values_supported, ['ES256']);
  assert.equal(d.revocation_endpoint, DISCOVERY.revocation_endpoint);
});
