/**
 * `npm run headers [-- --dist <dir>] [--nginx <file>]`: reads `<dist>/config.json` (the deployer's
 * config, validated as the SW validates it) and writes the security headers a host must send:
 * `<dist>/_headers` and `<dist>/_redirects` (Netlify, Cloudflare Pages) and the nginx server block
 * (default deploy/nginx/todos.conf, outside dist/ so it is never uploaded).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, validateConfig, type VaultConfig } from '../sw/config.ts';
import { CONFIG_PATH } from '../sw/security-headers.ts';
import { sitePaths } from './files.ts';
import { headersFile, redirectsFile } from './headers-file.ts';
import { nginxServerBlock } from './nginx-conf.ts';

const ROOT = resolve(import.meta.dirname, '..');

export type HeadersErrorCode = 'dist_missing' | 'config_missing' | 'config_invalid';

export class HeadersError extends Error {
  override readonly name = 'HeadersError';
  constructor(
    readonly code: HeadersErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** The deployer's config: the app's origin is the redirect URI's (the SW checks it is its own). */
export function readDeployConfig(distDir: string): VaultConfig {
  if (!existsSync(join(distDir, 'index.html'))) throw new HeadersError('dist_missing', `${distDir} has no index.html: run \`npm run build\` first`);
  const file = join(distDir, CONFIG_PATH);
  if (!existsSync(file)) {
    throw new HeadersError('config_missing', `${file} does not exist: write it first (see config.example.json and README "Deploying")`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new HeadersError('config_invalid', `${file} is not valid JSON`);
  }
  const redirectUri = (raw as { redirectUri?: unknown } | null)?.redirectUri;
  let appOrigin: string;
  try {
    appOrigin = new URL(String(redirectUri)).origin;
  } catch {
    throw new HeadersError('config_invalid', `${file}: redirectUri must be the app's https://<your app>/callback`);
  }
  try {
    return validateConfig(raw, appOrigin);
  } catch (e) {
    if (e instanceof ConfigError) throw new HeadersError('config_invalid', `${file}: ${e.field}: ${e.message}`);
    throw e;
  }
}

export function writeHostFiles(distDir: string, nginxFile: string): { config: VaultConfig; written: string[] } {
  const config = readDeployConfig(distDir);
  const headers = join(distDir, '_headers');
  const redirects = join(distDir, '_redirects');
  const written = [headers, redirects, nginxFile];
  writeFileSync(
    headers,
    headersFile(
      config,
      sitePaths(distDir).filter((f) => f !== '/_headers' && f !== '/_redirects'),
    ),
  );
  writeFileSync(redirects, redirectsFile(config));
  mkdirSync(dirname(nginxFile), { recursive: true });
  writeFileSync(nginxFile, nginxServerBlock(config));
  return { config, written };
}

function main(): void {
  const { values } = parseArgs({ options: { dist: { type: 'string' }, nginx: { type: 'string' } } });
  const distDir = resolve(values.dist ?? join(ROOT, 'dist'));
  const nginxFile = resolve(values.nginx ?? join(ROOT, 'deploy/nginx/todos.conf'));
  try {
    const { config, written } = writeHostFiles(distDir, nginxFile);
    const local = [config.issuer, ...config.apis.map((a) => a.origin)].filter((u) => new URL(u).protocol === 'http:');
    for (const f of written) console.log(`wrote ${relative(process.cwd(), f) || f}`);
    if (local.length > 0) console.warn(`note: ${local.join(', ')} use plain http (fine for localhost only)`);
  } catch (e) {
    if (!(e instanceof HeadersError)) throw e;
    console.error(`npm run headers: ${e.message} [${e.code}]`);
    process.exit(1);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) main();
