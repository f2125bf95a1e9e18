/**
 * The precache manifest: the app shell's files with their SHA-256, written into `sw.js` by the
 * build (deploy/precache-plugin.ts replaces the placeholder string below). Because it travels
 * inside `sw.js`, the browser's own script fetch is what vouches for it; Cache Storage, which
 * page script can write, is only ever trusted after a body matches these hashes.
 */

export interface ShellEntry {
  /** Same-origin path, e.g. `/index.html`, `/assets/index-B1X_5ZCA.js`. */
  readonly path: string;
  /** Lower-case hex SHA-256 of the exact bytes served. */
  readonly sha256: string;
  /** The Content-Type the SW serves it with (never the one stored in Cache Storage). */
  readonly contentType: string;
}

export interface ShellManifest {
  /** Digest of the entries: names the cache, so a new shell never mixes with an old one. */
  readonly version: string;
  readonly entries: readonly ShellEntry[];
}

/** Replaced by the build with the manifest as a JSON string literal; left as is in dev. */
export const MANIFEST_PLACEHOLDER = '__SW_SHELL_MANIFEST__';

const EMPTY: ShellManifest = { version: 'none', entries: [] };

const HEX64 = /^[0-9a-f]{64}$/;

/** The manifest in `source`, or an empty one (dev server: nothing is precached). */
export function parseManifest(source: string): ShellManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(source);
  } catch {
    return EMPTY; // the placeholder itself is not JSON
  }
  const m = raw as Partial<ShellManifest> | null;
  if (typeof m?.version !== 'string' || !Array.isArray(m.entries)) return EMPTY;
  const ok = m.entries.every(
    (e: Partial<ShellEntry>) =>
      typeof e.path === 'string' &&
      e.path.startsWith('/') &&
      typeof e.sha256 === 'string' &&
      HEX64.test(e.sha256) &&
      typeof e.contentType === 'string',
  );
  return ok ? { version: m.version, entries: m.entries } : EMPTY;
}

/** Content types by extension; a shell file of any other type fails the build. */
export const SHELL_CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
  '.woff2': 'font/woff2',
};

export function toHex(digest: ArrayBuffer): string {
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

export async function sha256Hex(bytes: ArrayBuffer | Uint8Array): Promise<string> {
  return toHex(await crypto.subtle.digest('SHA-256', bytes as BufferSource));
}
