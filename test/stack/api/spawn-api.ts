/**
 * Test-only: runs the standalone Todo API (main.ts) as a child process, so a test can SIGKILL it
 * mid-write and start it again on the same data file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

export const API_MAIN = resolve(import.meta.dirname, 'main.ts');

export interface ApiChild {
  readonly proc: ChildProcess;
  readonly origin: string;
  readonly exited: Promise<void>;
  /** SIGTERM, then wait for the exit. */
  stop(): Promise<void>;
}

/** Starts main.ts and waits for its "listening" line (generous timeout: tsx compiles on start). */
export async function spawnApi(env: Record<string, string>, apiPort: number): Promise<ApiChild> {
  const proc = spawn(process.execPath, ['--import', 'tsx', API_MAIN], {
    env: { ...process.env, APP_PORT: '5173', ...env, API_PORT: String(apiPort) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  let stderr = '';
  proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  await new Promise<void>((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error(`API did not start: ${stderr}`)), 30_000);
    proc.stdout.on('data', (c: Buffer) => {
      if (c.toString().includes('listening')) {
        clearTimeout(timer);
        resolveReady();
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`API exited with ${code}: ${stderr}`));
    });
  });
  return {
    proc,
    origin: `http://localhost:${apiPort}`,
    exited,
    stop: async () => {
      proc.kill('SIGTERM');
      await exited;
    },
  };
}
