/**
 * Page -> SW requests, answered on the MessagePort sent with each request (never a broadcast
 * with `'*'`: there is no target origin to get wrong). Nothing here can change config (A10),
 * and no reply type has a field that could hold a token (A7).
 */
import type { Ctx } from './context.ts';
import { checkSender, isProtocolError, parseRequest, type SenderFacts } from './message-shape.ts';
import { errorSummary, logger } from './log.ts';
import type { Broadcast, PageRequest, PageRequestType, ProtocolError, Reply, ResultMap } from './protocol.ts';

const log = logger('messages');

export interface WorkerOps {
  claim(): Promise<void>;
  skipWaiting(): Promise<void>;
}

export async function answer(
  req: PageRequest,
  ctx: Pick<Ctx, 'session' | 'recovery' | 'refresher' | 'tickets' | 'instanceId'>,
  ops: WorkerOps,
): Promise<Reply> {
  const ok = <T extends PageRequestType>(result: ResultMap[T]): Reply<T> => ({ v: 1, id: req.id, ok: true, result });
  switch (req.type) {
    case 'hello': {
      await ctx.recovery.maybeStart(req.believedSignedIn);
      const path = ctx.recovery.offer();
      const result: ResultMap['hello'] = { session: ctx.session.snapshot(), swInstanceId: ctx.instanceId };
      return ok<'hello'>(path ? { ...result, silentRecoveryPath: path } : result);
    }
    case 'heartbeat': {
      // A restarted SW learns from the hint that a session may be recoverable; one waiting for
      // the IdP or the network tries now (the page sends one when it comes back online or into view).
      await ctx.recovery.maybeStart(false);
      ctx.recovery.nudge();
      ctx.refresher.nudge();
      return ok<'heartbeat'>({ session: ctx.session.snapshot(), swInstanceId: ctx.instanceId });
    }
    case 'claim':
      await ops.claim();
      return ok<'claim'>({ claimed: true });
    case 'logout-ticket':
      return ok<'logout-ticket'>({ ticket: ctx.tickets.issue() });
    case 'recovery-result': {
      const top = ctx.recovery.resultReported(req.outcome);
      const result: ResultMap['recovery-result'] = { session: ctx.session.snapshot(), swInstanceId: ctx.instanceId };
      return ok<'recovery-result'>(top ? { ...result, topLevelRecoveryPath: top } : result);
    }
    case 'skip-waiting':
      await ops.skipWaiting();
      return ok<'skip-waiting'>({ accepted: true });
  }
}

function errorReply(id: string, error: ProtocolError): Reply {
  return { v: 1, id, ok: false, error };
}

/** The whole `message` listener body, given facts about the sender. */
export async function handleMessage(
  data: unknown,
  port: MessagePort | undefined,
  sender: () => Promise<SenderFacts>,
  ctx: Parameters<typeof answer>[1] & Pick<Ctx, 'origin'>,
  ops: WorkerOps,
): Promise<void> {
  if (!port) return; // no way to answer: ignore (broadcast-style messages are not accepted)
  const idOf = (d: unknown): string => {
    const id = typeof d === 'object' && d !== null ? (d as { id?: unknown }).id : undefined;
    return typeof id === 'string' && id.length <= 64 ? id : '';
  };
  let reply: Reply;
  try {
    const parsed = parseRequest(data);
    if (isProtocolError(parsed)) {
      reply = errorReply(idOf(data), parsed);
    } else {
      const denied = checkSender(await sender(), ctx.origin, parsed.type);
      reply = denied ? errorReply(parsed.id, denied) : await answer(parsed, ctx, ops);
    }
  } catch (e) {
    log.debug('request failed', { error: errorSummary(e) });
    reply = errorReply(idOf(data), { code: 'internal', message: 'internal error' });
  }
  port.postMessage(reply);
}

/** SW -> every controlled window of this origin. */
export interface WindowClients {
  matchAll(options: { type: 'window' }): Promise<ReadonlyArray<{ postMessage(message: unknown): void }>>;
}

export async function broadcastTo(clients: WindowClients, message: Broadcast): Promise<void> {
  const windows = await clients.matchAll({ type: 'window' });
  for (const c of windows) c.postMessage(message);
}
