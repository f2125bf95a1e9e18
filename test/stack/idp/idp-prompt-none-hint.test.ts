/**
 * Issue 9 item 7's test switch: with `requireIdTokenHintWithPromptNone` (env
 * IDP_REQUIRE_ID_TOKEN_HINT=1) the IdP answers `prompt=none` without `id_token_hint` with
 * `invalid_request`, as some IdPs do (OIDC Core §3.1.2.1), still carrying `iss` (C3).
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { freePort } from '../free-port.ts';
import { useTeardown } from '../teardown.ts';
import { authorizeRequest, callbackParams, codeFromCallback, CookieJar, exchangeCode, signIn, silentAuthorize, startAuthorization } from '../flow.ts';
import { DEMO_USERS, IdpError, idpOptionsFromEnv, startIdp, type RunningIdp } from './server.ts';

const alice = DEMO_USERS[0]!;
let appOrigin: string;
let strict: RunningIdp;
let lenient: RunningIdp;

const teardown = useTeardown();
before(async () => {
  const keysDir = await teardown.tempDir('idp-keys-');
  appOrigin = `http://localhost:${await freePort()}`;
  const common = { appOrigin, apiOrigin: `http://localhost:${await freePort()}`, keysDir };
  strict = teardown.add(await startIdp({ ...common, port: await freePort(), requireIdTokenHintWithPromptNone: true }));
  lenient = teardown.add(await startIdp({ ...common, port: await freePort() }));
});

const login = (idp: RunningIdp) => signIn({ issuer: idp.issuer, appOrigin, username: alice.username, password: alice.password });

describe('issue 9 item 7: prompt=none without id_token_hint refused (switch on)', () => {
  test('C3: with a live session, prompt=none without id_token_hint → invalid_request redirect with iss and state, no code', async () => {
    const { cookies } = await login(strict);
    const { req, landing } = await silentAuthorize(strict.issuer, appOrigin, cookies);
    assert.ok(landing.leftIdp);
    assert.equal(`${landing.url.origin}${landing.url.pathname}`, `${appOrigin}/callback`);
    const p = callbackParams(landing.url);
    assert.equal(p.error, 'invalid_request');
    assert.match(p.error_description ?? '', /id_token_hint/);
    assert.equal(p.iss, strict.issuer);
    assert.equal(p.state, req.state);
    assert.equal(p.code, undefined);
  });

  test('C3: without a session it is invalid_request too (the hint check comes before login_required)', async () => {
    const { landing } = await silentAuthorize(strict.issuer, appOrigin, new CookieJar());
    const p = callbackParams(landing.url);
    assert.equal(p.error, 'invalid_request');
    assert.equal(p.iss, strict.issuer);
  });

  test('with id_token_hint, prompt=none returns a code that exchanges for tokens', async () => {
    const { tokens, cookies } = await login(strict);
    const { req, landing } = await silentAuthorize(strict.issuer, appOrigin, cookies, { id_token_hint: tokens.id_token! });
    const code = codeFromCallback(landing, req, strict.issuer);
    const again = await exchangeCode(strict.issuer, appOrigin, code, req.pkce.verifier);
    assert.ok(again.access_token);
  });

  test('a normal authorization request (no prompt) with a live session still returns a code without a password', async () => {
    const { cookies } = await login(strict);
    const req = authorizeRequest(strict.issuer, appOrigin);
    const landing = await startAuthorization(req.url, cookies);
    assert.ok(codeFromCallback(landing, req, strict.issuer));
  });

  test('C2: with an unregistered redirect_uri the refusal is an error page, never a redirect there', async () => {
    const req = authorizeRequest(strict.issuer, appOrigin, { prompt: 'none', redirect_uri: 'http://localhost:1/callback' });
    const res = await fetch(req.url, { redirect: 'manual' });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('Location'), null);
  });
});

describe('issue 9 item 7: the switch is off by default', () => {
  test('C3: prompt=none without id_token_hint and a live session returns a code', async () => {
    const { cookies } = await login(lenient);
    const { req, landing } = await silentAuthorize(lenient.issuer, appOrigin, cookies);
    assert.ok(codeFromCallback(landing, req, lenient.issuer));
  });

  test('IDP_REQUIRE_ID_TOKEN_HINT=1 / 0 sets the option; anything else is IDP_BAD_ENV', () => {
    assert.equal(idpOptionsFromEnv({ IDP_REQUIRE_ID_TOKEN_HINT: '1' }).requireIdTokenHintWithPromptNone, true);
    assert.equal(idpOptionsFromEnv({ IDP_REQUIRE_ID_TOKEN_HINT: 'false' }).requireIdTokenHintWithPromptNone, false);
    assert.equal(idpOptionsFromEnv({}).requireIdTokenHintWithPromptNone, undefined);
    assert.throws(
      () => idpOptionsFromEnv({ IDP_REQUIRE_ID_TOKEN_HINT: 'yes' }),
      (e: unknown) => e instanceof IdpError && e.code === 'IDP_BAD_ENV',
    );
  });
});
