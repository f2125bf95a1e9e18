/**
 * The built app deployed the way README "Deploying" says, onto Debian's nginx: a copy of dist/,
 * a config.json written into it, `npm run headers` run on it, and nginx serving it with the
 * generated server block (only its `listen` and `root` lines edited, as a user would). nginx runs
 * unprivileged from a temporary prefix (`daemon off`, every path inside the prefix).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VaultConfig } from '../../../sw/config.ts';
import { ROOT } from './app-build.ts';

export const NGINX = process.env['NGINX_PATH'] ?? '/usr/sbin/nginx';

export interface Deployment {
  /** The deployed copy of dist/ (with config.json, _headers, _redirects). */
  readonly dist: string;
  /** The generated server block, as `npm run headers` wrote it. */
  readonly serverBlock: string;
}

export interface RunningNginx {
  /** Stops nginx and waits for it; the port is free again. */
  stop(): Promise<void>;
  /** Starts it again with the same files on the same port. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** Copies `builtDist`, writes config.json and runs the real `npm run headers` on the copy. */
export function deploy(builtDist: string, config: VaultConfig, workDir: string): Deployment {
  const dist = join(workDir, 'dist');
  cpSync(builtDist, dist, { recursive: true });
  writeFileSync(join(dist, 'config.json'), JSON.stringify(config, null, 2));
  const conf = join(workDir, 'todos.conf');
  const run = spawnSync('npm', ['run', '--silent', 'headers', '--', '--dist', dist, '--nginx', conf], { cwd: ROOT, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`npm run headers failed (${run.status}): ${run.stderr}${run.stdout}`);
  return { dist, serverBlock: readFileSync(conf, 'utf8') };
}

/** The server block with the two lines a user edits, and nothing else changed. */
export function editServerBlock(block: string, port: number, root: string): string {
  const listen = /^(\s*)listen [^;]+;$/m;
  const rootLine = /^(\s*)root [^;]+;$/m;
  if (!listen.test(block) || !rootLine.test(block)) throw new Error('generated server block has no listen/root line to edit');
  return block.replace(listen, `$1listen 127.0.0.1:${port};`).replace(rootLine, `$1root ${root};`);
}

function waitForPort(port: number, child: ChildProcess, log: () => string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = (): void => {
      if (child.exitCode !== null) return reject(new Error(`nginx exited (${child.exitCode}): ${log()}`));
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve();
      });
      s.once('error', () => {
        s.destroy();
        if (Date.now() > deadline) reject(new Error(`nginx did not listen on ${port}: ${log()}`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

export async function startNginx(d: Deployment, port: number): Promise<RunningNginx> {
  if (!existsSync(NGINX)) throw new Error(`${NGINX} not found: install Debian's nginx (apt-get install nginx) or set NGINX_PATH`);
  const prefix = mkdtempSync(join(tmpdir(), 'e2e-nginx-'));
  // nginx started as root serves files as `nobody`: the deployed copy must be readable by it.
  for (const dir of [prefix, join(d.dist, '..')]) chmodSync(dir, 0o755);
  mkdirSync(join(prefix, 'tmp'));
  writeFileSync(join(prefix, 'todos.conf'), editServerBlock(d.serverBlock, port, d.dist));
  const tmp = join(prefix, 'tmp');
  writeFileSync(
    join(prefix, 'nginx.conf'),
    `daemon off;
worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path ${tmp}/body;
    proxy_temp_path ${tmp}/proxy;
    fastcgi_temp_path ${tmp}/fastcgi;
    uwsgi_temp_path ${tmp}/uwsgi;
    scgi_temp_path ${tmp}/scgi;
    include ${prefix}/todos.conf;
}
`,
  );
  const log = (): string => (existsSync(join(prefix, 'error.log')) ? readFileSync(join(prefix, 'error.log'), 'utf8') : '');
  let child: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    if (child) return;
    const c = spawn(NGINX, ['-e', join(prefix, 'error.log'), '-p', prefix, '-c', join(prefix, 'nginx.conf')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    c.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child = c;
    await waitForPort(port, c, () => stderr + log());
  };
  const stop = async (): Promise<void> => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGTERM'); // fast shutdown: open connections are closed, as in an outage
    await exited;
  };
  await start();
  return {
    start,
    stop,
    close: async () => {
      await stop();
      rmSync(prefix, { recursive: true, force: true });
    },
  };
}

/** A fresh working folder for one deployment (removed by the caller's close). */
export function deploymentDir(): string {
  return mkdtempSync(join(tmpdir(), 'e2e-deploy-'));
}
