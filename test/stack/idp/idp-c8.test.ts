/** C8: revocation, and introspection only for the API client. Split from idp.test.ts by requirement (issue 11). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { refresh, signIn } from '../flow.ts';
import { API_CLIENT } from './server.ts';
import { alice, basic, introspect, useStack } from './test-helpers.ts';

const s = useStack();

describe('C8: revocation, and introspection only for the API client', () => {
  test('C8: the SPA revokes its refresh token, which then no longer works', async () => {
    const { tokens } = await signIn({ issuer: s.issuer, appOrigin: s.appOrigin, username: alice.username, password: alice.password });
    const res = await fetch(`${s.issuer}/token/revocation`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: s.appOrigin },
      body: new URLSearchParams({ client_id: 'todo-spa', token: tokens.refresh_token!, token_type_hint: 'refresh_token' }).toString(),
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('Access-Control-Allow-Origin'), s.appOrigin);
    const r = await refresh(s.issuer, tokens.refresh_token!, s.appOrigin);
    assert.equal(r.status, 400);
  });

  test('C8: introspection without credentials or with only the SPA client_id is refused', async () => {
    const { tokens } = await signIn({ issuer: s.issuer, appOrigin: s.appOrigin, username: alice.username, password: alice.password });
    const none = await introspect(s, tokens.refresh_token!, {});
    assert.ok([400, 401].includes(none.status));
    assert.equal(((await none.json()) as { error: string }).error, 'invalid_client');
    const spa = await introspect(s, tokens.refresh_token!, {}, { client_id: 'todo-spa' });
    assert.ok([400, 401].includes(spa.status));
    const wrongSecret = await introspect(s, tokens.refresh_token!, { Authorization: basic(API_CLIENT.clientId, 'nope') });
    assert.equal(wrongSecret.status, 401);
    const asSpa = await introspect(s, tokens.refresh_token!, { Authorization: basic('todo-spa', '') });
    assert.ok([400, 401].includes(asSpa.status));
  });

  test('C8: the API client introspects with client_secret_basic', async () => {
    const { tokens } = await signIn({ issuer: s.issuer, appOrigin: s.appOrigin, username: alice.username, password: alice.password });
    const res = await introspect(s, tokens.refresh_token!, { Authorization: basic(API_CLIENT.clientId, API_CLIENT.clientSecret) });
    assert.equal(res.status, 200);
    const body = (await res.json()) as Record<string, unknown>;
    assert.equal(body['active'], true);
    assert.equal(body['client_id'], 'todo-spa');
    const junk = await introspect(s, 'not-a-token', { Authorization: basic(API_CLIENT.clientId, API_CLIENT.clientSecret) });
    assert.deepEqual(await junk.json(), { active: false });
  });
});
