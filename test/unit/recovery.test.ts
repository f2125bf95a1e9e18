import { afterEach, beforeEach, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { answer, type WorkerOps } from '../../sw/messages.ts';
import type { HelloResult } from '../../sw/protocol.ts';
import { MAX_FAILED_ATTEMPTS, MAX_SILENT_OFFERS, RECOVERY_TIMEOUT_MS, SILENT_LOGIN_PATH, TOP_LEVEL_LOGIN_PATH } from '../../sw/recovery.ts';
import { fakeFetch, makeCtx, makeKeys, testTokens } from './fake-idp.ts';

const keys = await makeKeys();
const ops: WorkerOps = { claim: () => Promise.resolve(), skipWaiting: () => Promise.resolve() };

async function hello(t: ReturnType<typeof makeCtx>, id: string): Promise<HelloResult> {
  const reply = await answer({ v: 1, id, type: 'hello', believedSignedIn: true }, t.ctx, ops);
  assert.ok(reply.ok);
  return reply.result as HelloResult;
}

/** A restarted SW that knows (from the hint) alice may come back. */
async function restarted(o: { needsInteraction?: boolean; idpDown?: () => boolean } = {}) {
  const net = fakeFetch({});
  const down = o.idpDown;
  const fetchFn: typeof fetch = async (input, init) => {
    if (down?.() && String(input instanceof Request ? input.url : input).includes('/.well-known/')) throw new TypeError('IdP down');
    return net.fetch(input, init);
  };
  const t = makeCtx(fetchFn, keys);
  await t.hint.set({ user: { sub: 'alice', name: 'Alice' }, needsInteraction: o.needsInteraction === true });
  return t;
}

const flush = async () => {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
};

beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
afterEach(() => mock.timers.reset());

test('recovery: a restarted SW asks the first page that says hello to host the silent iframe', async () => {
  const t = await restarted();
  const first = await hello(t, 'a');
  assert.equal(first.silentRecoveryPath, SILENT_LOGIN_PATH);
  assert.deepEqual(first.session, { status: 'recovering', connection: 'ok', user: { sub: 'alice', name: 'Alice' } });
});

test('recovery: when the hosting page went away, the next page load is handed the same attempt, a bounded number of times', async () => {
  const t = await restarted();
  await hello(t, 'host-that-reloads');
  t.ctx.recovery.silentStarted();
  const offers: Array<string | undefined> = [];
  for (let i = 0; i < MAX_SILENT_OFFERS + 2; i++) offers.push((await hello(t, `page-${i}`)).silentRecoveryPath);
  assert.deepEqual(offers.slice(0, MAX_SILENT_OFFERS), Array(MAX_SILENT_OFFERS).fill(SILENT_LOGIN_PATH));
  assert.deepEqual(offers.slice(MAX_SILENT_OFFERS), [undefined, undefined], 'a broken IdP cannot make pages loop');
});

test('recovery: a page that loads after the session came back is not sent to recover', async () => {
  const t = await restarted();
  await hello(t, 'a');
  t.ctx.session.started(testTokens(t.clock.now));
  const later = await hello(t, 'b');
  assert.equal(later.silentRecoveryPath, undefined);
  assert.equal(later.session.status, 'signed-in');
});

test('finding 7: after the IdP wanted interaction, a restarted SW does not go to the IdP by itself', async () => {
  const t = await restarted({ needsInteraction: true });
  const res = await hello(t, 'a');
  assert.equal(res.silentRecoveryPath, undefined);
  assert.deepEqual(res.session, { status: 'signed-out', reason: 'interaction-required', user: { sub: 'alice', name: 'Alice' } });
  assert.equal(t.broadcasts.filter((b) => b.type === 'recovery-needed').length, 0);
});

test('finding 7: a top-level attempt refused with interaction_required waits for the user, and the hint remembers it', async () => {
  const t = await restarted();
  await hello(t, 'a');
  t.ctx.recovery.silentStarted();
  t.ctx.recovery.failed('silent', 'interaction_required');
  assert.equal(t.ctx.recovery.resultReported('done'), TOP_LEVEL_LOGIN_PATH);
  t.ctx.recovery.topLevelStarted();
  t.ctx.recovery.failed('top-silent', 'interaction_required');
  assert.equal(t.ctx.session.state.kind, 'needs-interaction');
  await flush();
  assert.equal(t.hint.value?.needsInteraction, true);
});

test('recovery: login_required at the top level means the IdP session is gone: signed out, hint cleared', async () => {
  const t = await restarted();
  await hello(t, 'a');
  t.ctx.recovery.failed('silent', 'login_required');
  t.ctx.recovery.topLevelStarted();
  t.ctx.recovery.failed('top-silent', 'login_required');
  assert.deepEqual(t.ctx.session.snapshot(), { status: 'signed-out', reason: 'session-expired' });
  await flush();
  assert.equal(t.hint.value, null);
});

test('issue 9: an IdP that is down keeps the session recovering, retried with backoff, and pages are asked again once it answers', async () => {
  let down = true;
  const t = await restarted({ idpDown: () => down });
  await hello(t, 'a');
  t.ctx.recovery.unreachable();
  await flush();
  assert.deepEqual(t.ctx.session.snapshot(), { status: 'recovering', connection: 'idp-unreachable', user: { sub: 'alice', name: 'Alice' } });
  // Still down after a few retries: never signed out.
  for (let i = 0; i < 5; i++) {
    mock.timers.tick(1_500);
    await flush();
  }
  assert.equal(t.ctx.session.snapshot().status, 'recovering');
  const asked = t.broadcasts.filter((b) => b.type === 'recovery-needed').length;
  down = false;
  mock.timers.tick(1_500);
  await flush();
  assert.deepEqual(t.ctx.session.snapshot(), { status: 'recovering', connection: 'ok', user: { sub: 'alice', name: 'Alice' } });
  assert.equal(t.broadcasts.filter((b) => b.type === 'recovery-needed').length, asked + 1, 'pages are asked to host it again');
});

test('issue 9: offline is waited out without a request, and a nudge (online) retries at once', async () => {
  const t = await restarted();
  await hello(t, 'a');
  t.net.online = false;
  t.ctx.recovery.unreachable();
  await flush();
  assert.deepEqual(t.ctx.session.snapshot(), { status: 'recovering', connection: 'offline', user: { sub: 'alice', name: 'Alice' } });
  t.net.online = true;
  t.ctx.recovery.nudge();
  await flush();
  assert.equal(t.ctx.session.state.kind === 'recovering' && t.ctx.session.state.phase.step, 'needs-host');
});

test('recovery: an iframe that never finishes times out into waiting, not a sign-out; attempts that keep failing while the IdP answers stop', async () => {
  const t = await restarted();
  await hello(t, 'a');
  for (let i = 0; i < MAX_FAILED_ATTEMPTS; i++) {
    t.ctx.recovery.silentStarted();
    mock.timers.tick(RECOVERY_TIMEOUT_MS);
    await flush();
    if (i < MAX_FAILED_ATTEMPTS - 1) {
      assert.equal(t.ctx.session.state.kind === 'recovering' && t.ctx.session.state.phase.step, 'waiting', `attempt ${i + 1}`);
      mock.timers.tick(1_500);
      await flush();
    }
  }
  assert.equal(t.ctx.session.state.kind, 'needs-interaction', 'no endless iframe loop');
});
