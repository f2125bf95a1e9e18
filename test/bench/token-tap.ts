/**
 * Counts the IdP's token-endpoint requests by grant type, passively, in this process.
 *
 * Why not a proxy: the IdP derives its issuer from the port it listens on, and the SPA must keep
 * talking to that issuer; a forward proxy for the whole browser would add a hop to every request
 * we time. `node:diagnostics_channel` reports each incoming request to the in-process IdP before
 * its handler runs; we watch its body chunks as they are emitted to oidc-provider (wrapping
 * `emit` consumes nothing and changes no flow mode).
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface TokenRequestRecord {
  /** ms epoch when the request arrived. */
  readonly at: number;
  readonly grantType: string;
  /** The IdP's answer status (filled in when the response finishes). */
  status?: number;
}

export interface TokenTap {
  readonly records: readonly TokenRequestRecord[];
  /** Requests with `grant_type=refresh_token` that arrived in [from, to] (ms epoch). */
  refreshesBetween(from: number, to: number): number;
  stop(): void;
}

const CHANNEL = 'http.server.request.start';

export function tapTokenEndpoint(port: number, tokenPath: string): TokenTap {
  const records: TokenRequestRecord[] = [];
  const onRequest = (message: unknown): void => {
    const { request: req, response: res } = message as { request?: IncomingMessage; response?: ServerResponse };
    if (!req || req.method !== 'POST' || req.socket.localPort !== port) return;
    if ((req.url ?? '').split('?')[0] !== tokenPath) return;
    const at = Date.now();
    const chunks: Buffer[] = [];
    const emit = req.emit.bind(req);
    req.emit = ((event: string | symbol, ...args: unknown[]): boolean => {
      if (event === 'data' && args[0] !== undefined) chunks.push(Buffer.from(args[0] as Uint8Array));
      if (event === 'end') {
        const grantType = new URLSearchParams(Buffer.concat(chunks).toString('utf8')).get('grant_type') ?? '(none)';
        const record: TokenRequestRecord = { at, grantType };
        records.push(record);
        res?.once('finish', () => {
          record.status = res.statusCode;
        });
      }
      return emit(event, ...args);
    }) as typeof req.emit;
  };
  subscribe(CHANNEL, onRequest);
  return {
    records,
    refreshesBetween: (from, to) => records.filter((r) => r.grantType === 'refresh_token' && r.at >= from && r.at <= to).length,
    stop: () => unsubscribe(CHANNEL, onRequest),
  };
}
