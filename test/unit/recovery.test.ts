import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answer, type WorkerOps } from '../../sw/messages.ts';
import type { HelloResult } from '../../sw/protocol.ts';
import { MAX_SILENT_REOFFERS, SILENT_LOGIN_PATH } from '../../sw/recovery.ts';
import { fakeFetch, makeCtx, makeKeys, testTokens } from './fake-idp.ts';

const keys = await makeKeys();
const ops: WorkerOps = { claim: async () => undefined, skipWaiting: async () => undefined };

async function hello(t: ReturnType<typeof makeCtx>, id: string): Promise<HelloResult> {
  const reply = await answer({ v: 1, id, type: 'hello', believedSignedIn: true }, t.ctx, ops);
  assert.ok(reply.ok);
  return reply.result as HelloResult;
}

test('recovery: a restarted SW asks the first page that says hello to host the silent iframe', async () => {
  const t = makeCtx(fakeFetch({}).fetch, keys);
  const first = await hello(t, 'a');
  assert.equal(first.silentRecoveryPath, SILENT_LOGIN_PATH);
  assert.equal(first.session.status, 'recovering');
  t.ctx.recovery.settled();
});

test('recovery: when the hosting page went away, the next page load is handed the same recovery, a bounded number of times', async () => {
  const t = makeCtx(fakeFetch({}).fetch, keys);
  await hello(t, 'host-that-reloads');
  const offers: Array<string | undefined> = [];
  for (let i = 0; i < MAX_SILENT_REOFFERS + 2; i++) offers.push((await hello(t, `page-${i}`)).silentRecoveryPath);
  assert.deepEqual(offers.slice(0, MAX_SILENT_REOFFERS), Array(MAX_SILENT_REOFFERS).fill(SILENT_LOGIN_PATH));
  assert.deepEqual(offers.slice(MAX_SILENT_REOFFERS), [undefined, undefined], 'a broken IdP cannot make pages loop');
  t.ctx.recovery.settled();
});

test('recovery: a page that loads after the session came back is not sent to recover', async () => {
  const t = makeCtx(fakeFetch({}).fetch, keys);
  await hello(t, 'a');
  t.ctx.session.signedIn(testTokens(t.clock.now));
  const later = await hello(t, 'b');
  assert.equal(later.silentRecoveryPath, undefined);
  assert.equal(later.session.status, 'signed-in');
});
