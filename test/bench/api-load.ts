/**
 * The Todo API stub under load: requests per second for `GET /todos` with the API's token
 * validation (the stack's own API, whatever validator it has) versus the same API with
 * validation replaced by a fixed principal, on loopback. Both servers run in this process (idle
 * otherwise: the browser is not started yet); the load comes from a second process
 * (load-client.ts) over keep-alive connections, in rotating time slices.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { startApi } from '../stack/api/server.ts';
import { parseScope, type Principal, type TokenValidator } from '../stack/api/principal.ts';
import { freePort } from '../stack/free-port.ts';
import type { StackOrigins } from '../stack/ports.ts';
import { BenchError } from './errors.ts';
import type { LoadClientConfig, LoadClientResult, LoadSideResult } from './load-client.ts';
import { seedTodos } from './stack.ts';
import { summarize, type Summary } from './stats.ts';

export interface ApiLoadSettings {
  readonly connections: number;
  readonly sliceMs: number;
  readonly rounds: number;
}

export interface ApiLoadSide extends LoadSideResult {
  readonly rps: Summary;
}

export interface ApiLoadReport {
  readonly settings: ApiLoadSettings & { readonly warmupMs: number; readonly windowMs: number; readonly client: string };
  readonly validated: ApiLoadSide;
  readonly none: ApiLoadSide;
  /** validated.rps.median / none.rps.median */
  readonly ratio: number;
}

/** "No validation": every request is this principal, the token's own subject and scopes. */
function fixedValidator(accessToken: string): TokenValidator {
  const claims = decodeJwt(accessToken);
  const principal: Principal = { sub: String(claims.sub), scopes: parseScope(claims['scope']) };
  return { validate: () => Promise.resolve(principal) };
}

function runClient(config: LoadClientConfig, timeoutMs: number): Promise<LoadClientResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'load-client.ts'), JSON.stringify(config)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(new BenchError('LOAD_CLIENT_FAILED', `could not start the load client: ${e.message}`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) {
        const why = signal === 'SIGKILL' ? `killed after ${timeoutMs} ms` : `exit ${code}`;
        return reject(new BenchError('LOAD_CLIENT_FAILED', `load client ${why}: ${err.trim().slice(0, 300)}`));
      }
      try {
        resolve(JSON.parse(out) as LoadClientResult);
      } catch {
        reject(new BenchError('LOAD_CLIENT_FAILED', `load client printed no result: ${out.slice(0, 200)}`));
      }
    });
  });
}

function side(r: LoadClientResult, name: string): ApiLoadSide {
  const s = r[name];
  if (!s) throw new BenchError('LOAD_CLIENT_FAILED', `no result for ${name}`);
  const bad = Object.entries(s.statuses).filter(([status]) => status !== '200');
  if (bad.length > 0 || s.requests === 0) {
    throw new BenchError('API_CALL_FAILED', `${name}: answers ${JSON.stringify(s.statuses)} (every answer must be 200)`);
  }
  return { ...s, rps: summarize(s.windowRps) };
}

export async function measureApiLoad(o: StackOrigins, accessToken: string, s: ApiLoadSettings): Promise<ApiLoadReport> {
  const bare = await startApi({ port: await freePort(), issuer: o.issuer, appOrigin: o.appOrigin, validator: fixedValidator(accessToken) });
  try {
    // Same user, same todos, same answer bytes on both sides.
    await seedTodos(bare.origin, accessToken);
    const warmupMs = 1000;
    const windowMs = 250;
    const config: LoadClientConfig = {
      targets: [
        { name: 'validated', url: `${o.apiOrigin}/todos` },
        { name: 'none', url: `${bare.origin}/todos` },
      ],
      headers: { Authorization: `Bearer ${accessToken}` },
      connections: s.connections,
      sliceMs: s.sliceMs,
      rounds: s.rounds,
      warmupMs,
      windowMs,
    };
    const budget = 2 * (warmupMs + s.rounds * s.sliceMs) + 30_000;
    const r = await runClient(config, budget);
    const validated = side(r, 'validated');
    const none = side(r, 'none');
    return {
      settings: { ...s, warmupMs, windowMs, client: 'a second Node process (load-client.ts)' },
      validated,
      none,
      ratio: Math.round((validated.rps.median / none.rps.median) * 1000) / 1000,
    };
  } finally {
    await bare.close();
  }
}
