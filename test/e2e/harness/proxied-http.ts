import { request } from 'node:http';
import type { InspectingProxy } from './proxy.ts';

/** A request from Node sent through the forward proxy, as the browser sends it. */
export function viaProxy(
  proxy: InspectingProxy,
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: 'localhost', port: proxy.port, path: url, method: init.method ?? 'GET', headers: { host: new URL(url).host, ...init.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}
