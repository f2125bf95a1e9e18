/**
 * Watches the IdP's token-endpoint requests in this process, and can hold them (the IdP's
 * handler is not called until released).
 *
 * Why not a proxy: the IdP derives its issuer from the port it listens on, and the SPA must keep
 * talking to that issuer; a forward proxy for the whole browser would add a hop to every request
 * we time. `node:diagnostics_channel` reports each incoming request to the in-process IdP before
 * the server emits `request`; we watch its body chunks as they are emitted to oidc-provider
 * (wrapping `emit` consumes nothing and changes no flow mode).
 *
 * Why hold the handler and not the answer: oidc-provider stamps `iat`/`exp` when it handles the
 * request, so a held answer would deliver an access token that is already partly (or wholly) used
 * up. A held request has not been read yet, so its grant type is known only once it is released.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

export interface TokenRequestRecord {
  /** ms epoch when the request arrived at the IdP. */
  readonly arrivedAt: number;
  /** Whether it waited on a hold before the IdP's handler ran. */
  readonly held: boolean;
  /** ms epoch when the IdP's handler was called (after the release, for a held request). */
  handledAt?: number;
  /** Known once the IdP's handler has read the body. */
  grantType?: string;
  /** ms epoch when the IdP's answer finished. */
  answeredAt?: number;
  status?: number;
}

export interface TokenHold {
  /** Held requests whose handler has not run yet. */
  waiting(): number;
  /** Lets held requests through and holds no more; idempotent. */
  release(): void;
}

export interface TokenTap {
  readonly records: readonly TokenRequestRecord[];
  /**
   * Holds every token-endpoint request that arrives after the next `authorization_code` request
   * has been read by the IdP. Armed in this process at that moment, so before the SW can hold the
   * resulting tokens, let alone start a refresh with them. One hold at a time.
   */
  holdAfterCodeExchange(): TokenHold;
  stop(): void;
}

const CHANNEL = 'http.server.request.start';

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

interface HoldState {
  armed: boolean;
  readonly queue: (() => void)[];
  released: boolean;
}

export function tapTokenEndpoint(port: number, tokenPath: string): TokenTap {
  const records: TokenRequestRecord[] = [];
  /** Requests this tap decided to hold, keyed for the gate that sits in front of the IdP's handler. */
  const toHold = new WeakMap<IncomingMessage, TokenRequestRecord>();
  const gated = new WeakSet<Server>();
  let hold: HoldState | undefined;

  const release = (h: HoldState): void => {
    if (h.released) return;
    h.released = true;
    h.armed = false;
    if (hold === h) hold = undefined;
    for (const run of h.queue.splice(0)) run();
  };

  /** Puts a gate in front of the server's own `request` listeners (once per server, i.e. per IdP start). */
  const gate = (server: Server): void => {
    if (gated.has(server)) return;
    gated.add(server);
    const handlers = server.listeners('request') as RequestListener[];
    server.removeAllListeners('request');
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const record = toHold.get(req);
      const run = () => {
        if (record) record.handledAt = Date.now();
        for (const h of handlers) h.call(server, req, res);
      };
      if (record?.held && hold && !hold.released) hold.queue.push(run);
      else run();
    });
  };

  const onRequest = (message: unknown): void => {
    const { request: req, response: res, server } = message as { request?: IncomingMessage; response?: ServerResponse; server?: Server };
    if (!req || req.method !== 'POST' || req.socket.localPort !== port) return;
    if ((req.url ?? '').split('?')[0] !== tokenPath) return;
    if (server) gate(server);
    const record: TokenRequestRecord = { arrivedAt: Date.now(), held: server !== undefined && hold?.armed === true };
    records.push(record);
    toHold.set(req, record);
    // Without a gate (no `server` in the message) the handler runs right after this publish.
    if (!record.held) record.handledAt = record.arrivedAt;
    const chunks: Buffer[] = [];
    const emit = req.emit.bind(req);
    req.emit = ((event: string | symbol, ...args: unknown[]): boolean => {
      if (event === 'data' && args[0] !== undefined) chunks.push(Buffer.from(args[0] as Uint8Array));
      if (event === 'end') {
        record.grantType = new URLSearchParams(Buffer.concat(chunks).toString('utf8')).get('grant_type') ?? '(none)';
        if (record.grantType === 'authorization_code' && hold && !hold.released) hold.armed = true;
      }
      return emit(event, ...args);
    }) as typeof req.emit;
    res?.once('finish', () => {
      record.answeredAt = Date.now();
      record.status = res.statusCode;
    });
  };
  subscribe(CHANNEL, onRequest);
  return {
    records,
    holdAfterCodeExchange() {
      if (hold) release(hold);
      const h: HoldState = { armed: false, queue: [], released: false };
      hold = h;
      return { waiting: () => h.queue.length, release: () => release(h) };
    },
    stop: () => {
      if (hold) release(hold);
      unsubscribe(CHANNEL, onRequest);
    },
  };
}
