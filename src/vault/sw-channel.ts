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

let counter = 0;
function newId(): string {
  counter = (counter + 1) % 1e9;
  return `${Date.now().toString(36)}-${counter.toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

export function isReply(data: unknown, id: string): data is Reply {
  if (typeof data !== 'object' || data === null) return false;
  const d = data as Record<string, unknown>;
  return d['v'] === 1 && d['id'] === id && typeof d['ok'] === 'boolean';
}

export function request<T extends PageRequestType>(
  target: MessageTarget,
  body: Body<T>,
  timeoutMs: number = DEFAULT_TIMEOUT_MS,
): Promise<ResultMap[T]> {
  const id = newId();
  const message = { ...body, v: 1, id } as PageRequest;
  return new Promise<ResultMap[T]>((resolve, reject) => {
    const channel = new MessageChannel();
    const timer = setTimeout(() => {
      channel.port1.close();
      reject(new VaultError('timeout', `no reply to ${message.type} within ${timeoutMs} ms`));
    }, timeoutMs);
    channel.port1.onmessage = (event: MessageEvent) => {
      const data: unknown = event.data;
      if (!isReply(data, id)) return; // not ours: keep waiting until the deadline
      clearTimeout(timer);
      channel.port1.close();
      if (data.ok) resolve(data.result as ResultMap[T]);
      else reject(new VaultError(data.error.code, data.error.message, data.error.details));
    };
    try {
      target.postMessage(message, [channel.port2]);
    } catch {
      clearTimeout(timer);
      channel.port1.close();
      reject(new VaultError('sw-unavailable', 'could not post to the service worker'));
    }
  });
}
