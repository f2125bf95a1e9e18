/**
 * Typed requests to the SW: each carries the protocol version and a fresh id, goes out with its
 * own MessagePort, and has a deadline. The reply must echo the id; errors come back as
 * `VaultError`s with the SW's code. (workbox-window's messageSW has no timeout; ours must.)
 */
import type { PageRequest, PageRequestType, Reply, ResultMap } from '../../sw/protocol.ts';
import { VaultError } from './errors.ts';

export const DEFAULT_TIMEOUT_MS = 5_000;

type Body<T extends PageRequestType> = Omit<Extract<PageRequest, { type: T }>, 'v' | 'id'>;

export interface MessageTarget {
  postMessage(message: unknown, transfer: Transferable[]): void;
}

export function isReply(data: unknown, id: string): data is Reply {
  const d = data as Partial<Record<string, unknown>> | null;
  return typeof d === 'object' && d?.['v'] === 1 && d['id'] === id && typeof d['ok'] === 'boolean';
}

export function request<T extends PageRequestType>(
  target: MessageTarget,
  body: Body<T>,
  timeoutMs: number = DEFAULT_TIMEOUT_MS,
): Promise<ResultMap[T]> {
  // A UUID fits the SW's id pattern ([A-Za-z0-9_-]{1,64}); the page is a secure context here.
  const id = crypto.randomUUID();
  const { port1, port2 } = new MessageChannel();
  return new Promise<ResultMap[T]>((resolve, reject) => {
    const fail = (code: 'timeout' | 'sw_unavailable', message: string) => {
      port1.close();
      reject(new VaultError(code, message));
    };
    const timer = setTimeout(fail, timeoutMs, 'timeout', `no reply to ${body.type} within ${timeoutMs} ms`);
    port1.onmessage = ({ data }: MessageEvent) => {
      if (!isReply(data, id)) return; // not ours: keep waiting until the deadline
      clearTimeout(timer);
      port1.close();
      if (data.ok) resolve(data.result as ResultMap[T]);
      else reject(new VaultError(data.error.code, data.error.message));
    };
    try {
      target.postMessage({ ...body, v: 1, id }, [port2]);
    } catch (cause) {
      // A redundant or terminated worker: what is wrong goes to the caller as sw_unavailable.
      clearTimeout(timer);
      port1.close();
      reject(new VaultError('sw_unavailable', 'could not post to the service worker', { cause }));
    }
  });
}
