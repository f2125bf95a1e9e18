/**
 * Build step: writes the shell manifest (every emitted file but `sw.js`, plus public/ without
 * config.json, each with its SHA-256) into `sw.js`, and refuses to ship a `config.json`: the
 * deployer writes that one (issue 10 items 1 and 4).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { Plugin } from 'vite';
import { sitePaths } from './files.ts';
import { CONFIG_PATH, SW_SCRIPT_PATH } from '../sw/security-headers.ts';
import { MANIFEST_PLACEHOLDER, SHELL_CONTENT_TYPES, type ShellEntry, type ShellManifest } from '../sw/shell-manifest.ts';

/** Files that are deployment metadata, not part of the app (written by `npm run headers`). */
const NOT_SHELL = new Set([SW_SCRIPT_PATH, CONFIG_PATH, '/_headers', '/_redirects']);

const sha256 = (bytes: string | Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

function entry(path: string, bytes: string | Uint8Array): ShellEntry {
  const contentType = SHELL_CONTENT_TYPES[extname(path)];
  if (!contentType) throw new Error(`precache: no content type for ${path}; add its extension to SHELL_CONTENT_TYPES`);
  return { path, sha256: sha256(bytes), contentType };
}

function publicFiles(dir: string): { path: string; bytes: Uint8Array }[] {
  return existsSync(dir) ? sitePaths(dir).map((path) => ({ path, bytes: readFileSync(join(dir, path)) })) : [];
}

export function buildManifest(files: readonly { path: string; bytes: string | Uint8Array }[]): ShellManifest {
  const entries = files
    .filter((f) => !NOT_SHELL.has(f.path))
    .map((f) => entry(f.path, f.bytes))
    .sort((a, b) => a.path.localeCompare(b.path));
  return { version: sha256(JSON.stringify(entries)).slice(0, 16), entries };
}

/** The manifest as a JS string literal, for every quote style the minifier may have chosen. */
export function injectManifest(code: string, manifest: ShellManifest): string {
  const placeholder = new RegExp(`(["'\`])${MANIFEST_PLACEHOLDER}\\1`, 'g');
  if (!placeholder.test(code)) throw new Error(`precache: ${MANIFEST_PLACEHOLDER} not found in ${SW_SCRIPT_PATH}`);
  const literal = JSON.stringify(JSON.stringify(manifest));
  return code.replace(placeholder, () => literal);
}

export interface PrecacheOptions {
  /**
   * false: leave the manifest empty, so the SW serves no shell and owns no app navigation
   * (`SW_SHELL=off npm run build`). For e2e stacks that weaken the server's CSP on purpose: a
   * shell document gets its headers from the SW, which no server setting can weaken.
   */
  readonly shell?: boolean;
}

export function precachePlugin(o: PrecacheOptions = {}): Plugin {
  let publicDir = '';
  return {
    name: 'sw-shell-precache',
    apply: 'build',
    enforce: 'post',
    configResolved(config) {
      publicDir = config.publicDir;
    },
    generateBundle: {
      order: 'post',
      handler(_options, bundle) {
        const pub = publicFiles(publicDir);
        if (pub.some((f) => f.path === CONFIG_PATH)) {
          this.error(`public${CONFIG_PATH} must not exist: the build never ships a config (write it into dist/ when you deploy)`);
        }
        let sw: { code: string } | undefined;
        const emitted: { path: string; bytes: string | Uint8Array }[] = [];
        for (const out of Object.values(bundle)) {
          const path = '/' + out.fileName;
          if (path === SW_SCRIPT_PATH && out.type === 'chunk') sw = out;
          else emitted.push({ path, bytes: out.type === 'chunk' ? out.code : out.source });
        }
        if (!sw) return this.error(`precache: no ${SW_SCRIPT_PATH} chunk in the bundle`);
        if (o.shell === false) return;
        sw.code = injectManifest(sw.code, buildManifest([...emitted, ...pub]));
      },
    },
  };
}
