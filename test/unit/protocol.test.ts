import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkSender, isProtocolError, parseRequest } from '../../sw/message-shape.ts';
import { handleMessage } from '../../sw/messages.ts';
import type { PageRequest, PageRequestType, Reply } from '../../sw/protocol.ts';
import { request } from '../../src/vault/sw-channel.ts';
import { VaultError } from '../../src/vault/errors.ts';
import { APP, CONFIG, fakeFetch, makeCtx, makeKeys } from './fake-idp.ts';

const controlled = { isWindowClient: true, origin: APP, controlled: true };

/** One valid message per request type: a type added to the protocol without a line here fails to compile. */
const VALID = {
  hello: { v: 1, id: 'a1', type: 'hello', believedSignedIn: true },
  heartbeat: { v: 1, id: 'a2', type: 'heartbeat' },
  claim: { v: 1, id: 'a3', type: 'claim' },
  'logout-ticket': { v: 1, id: 'a4', type: 'logout-ticket' },
  'recovery-result': { v: 1, id: 'a5', type: 'recovery-result', outcome: 'timeout' },
  'skip-waiting': { v: 1, id: 'a6', type: 'skip-waiting' },
} as const satisfies { readonly [T in PageRequestType]: Extract<PageRequest, { readonly type: T }> };

for (const [type, message] of Object.entries(VALID)) {
  test(`A10: parseRequest accepts a valid ${type} request as it is`, () => {
    assert.deepEqual(parseRequest(message), message);
  });
}

for (const [name, data] of [
  ['wrong version', { v: 2, id: 'a', type: 'heartbeat' }],
  ['no id', { v: 1, type: 'heartbeat' }],
  ['unknown type', { v: 1, id: 'a', type: 'set-config', issuer: 'https://evil.example' }],
  ['hello without believedSignedIn', { v: 1, id: 'a', type: 'hello' }],
  ['not an object', 'hello'],
] as const) {
  test(`A10: parseRequest refuses ${name} with bad_message`, () => {
    const r = parseRequest(data);
    assert.ok(isProtocolError(r));
    assert.equal(r.code, 'bad_message');
  });
}

test('A10: senders of another origin or not windows are forbidden_sender', () => {
  assert.equal(checkSender({ ...controlled, origin: 'https://evil.example' }, APP, 'claim')?.code, 'forbidden_sender');
  assert.equal(checkSender({ ...controlled, isWindowClient: false }, APP, 'hello')?.code, 'forbidden_sender');
});
test('A10: an uncontrolled page may only claim or skip-waiting', () => {
  const unc = { ...controlled, controlled: false };
  assert.equal(checkSender(unc, APP, 'claim'), null);
  assert.equal(checkSender(unc, APP, 'skip-waiting'), null);
  assert.equal(checkSender(unc, APP, 'logout-ticket')?.code, 'not_controlled');
  assert.equal(checkSender(unc, APP, 'hello')?.code, 'not_controlled');
});

async function roundTrip(data: unknown, sender = controlled) {
  const keys = await makeKeys();
  const net = fakeFetch({});
  const t = makeCtx(net.fetch, keys);
  const { port1, port2 } = new MessageChannel();
  const reply = new Promise<Reply>((resolve) => {
    port1.onmessage = (e) => resolve(e.data as Reply);
  });
  await handleMessage(data, port2, () => Promise.resolve(sender), t.ctx, { claim: () => Promise.resolve(), skipWaiting: () => Promise.resolve() });
  const r = await reply;
  port1.close();
  return { r, t };
}

test('A10: a message trying to change the issuer has no effect and gets bad_message', async () => {
  const { r, t } = await roundTrip({ v: 1, id: 'x1', type: 'set-config', issuer: 'https://evil.example' });
  assert.equal(r.ok, false);
  assert.equal(r.error.code, 'bad_message');
  assert.equal((await t.ctx.config()).issuer, CONFIG.issuer);
});

test('A7: hello reply carries a session snapshot and an instance id, echoing the request id', async () => {
  const { r } = await roundTrip({ v: 1, id: 'h1', type: 'hello', believedSignedIn: false });
  assert.equal(r.id, 'h1');
  assert.ok(r.ok);
  assert.deepEqual(Object.keys(r.result).sort(), ['session', 'swInstanceId']);
});

test('A10: a forbidden sender gets forbidden_sender', async () => {
  const { r } = await roundTrip({ v: 1, id: 'h2', type: 'hello', believedSignedIn: false }, { ...controlled, origin: 'https://evil.example' });
  assert.equal(!r.ok && r.error.code, 'forbidden_sender');
});

test('page channel: a request without a reply fails with timeout', async () => {
  const silent = { postMessage: () => undefined };
  await assert.rejects(request<'heartbeat'>(silent, { type: 'heartbeat' }, 50), (e: unknown) => e instanceof VaultError && e.code === 'timeout');
});

test('page channel: an error reply becomes a VaultError with its code; foreign ids are ignored', async () => {
  const target = {
    postMessage(message: unknown, transfer: Transferable[]) {
      const port = transfer[0] as MessagePort;
      const id = (message as { id: string }).id;
      port.postMessage({ v: 1, id: 'someone-else', ok: true, result: {} });
      port.postMessage({ v: 1, id, ok: false, error: { code: 'not_controlled', message: 'no' } });
    },
  };
  await assert.rejects(
    request<'hello'>(target, { type: 'hello', believedSignedIn: false }, 2000),
    (e: unknown) => e instanceof VaultError && e.code === 'not_controlled',
  );
});
