/**
 * The offline app shell (issue 10 item 4). Cache Storage is writable by page script, so a stored
 * response is never trusted as it is: its body is served only when its SHA-256 matches the
 * manifest inside `sw.js`, and its headers are never used (the SW makes them from the policy
 * module and the current config). A mismatch is deleted and fetched from the network; offline it
 * fails closed. `config.json` is never precached or read from here.
 */
import type { VaultConfig } from './config.ts';
import { htmlPage } from './html.ts';
import { OFFLINE_SHELL_TIMING, pathKind, responseHeaders } from './security-headers.ts';
import { sha256Hex, type ShellEntry, type ShellManifest } from './shell-manifest.ts';

export const CACHE_PREFIX = 'todos-shell-';

/** Without a config within this long (a hanging network), the shell is served with the strictest policy. */
const CONFIG_WAIT_MS = 3_000;

/** Why the SW served a shell document without the config's origins. */
export type PolicyFallback = 'config_unreachable' | 'config_invalid';

export interface ShellDeps {
  readonly origin: string;
  readonly caches: CacheStorage;
  readonly fetch: typeof fetch;
  /** The validated config; rejects with a ConfigError (code `config_unreachable`/`config_invalid`). */
  readonly config: () => Promise<VaultConfig>;
  /** Off-by-default logger; never given a token (nothing here sees one). */
  readonly log?: (message: string) => void;
}

export class Shell {
  readonly cacheName: string;
  readonly #byPath: ReadonlyMap<string, ShellEntry>;

  constructor(
    readonly manifest: ShellManifest,
    readonly d: ShellDeps,
  ) {
    this.cacheName = CACHE_PREFIX + manifest.version;
    this.#byPath = new Map(manifest.entries.map((e) => [e.path, e]));
  }

  get paths(): string[] {
    return [...this.#byPath.keys()];
  }

  /**
   * Fills this version's cache, reusing verified bodies from older versions (a hashed asset that
   * did not change is not downloaded again). Never rejects: a file that cannot be fetched or does
   * not match (a deployment half rolled out) is left to the network, and the install goes on.
   */
  async install(): Promise<void> {
    if (this.manifest.entries.length === 0) return;
    try {
      const cache = await this.d.caches.open(this.cacheName);
      const older = (await this.d.caches.keys()).filter((n) => n.startsWith(CACHE_PREFIX) && n !== this.cacheName);
      await Promise.all(this.manifest.entries.map((e) => this.#fill(cache, older, e)));
    } catch (e) {
      this.d.log?.(`precache failed: ${String(e)}`);
    }
  }

  async #fill(cache: Cache, older: readonly string[], entry: ShellEntry): Promise<void> {
    const url = this.#url(entry);
    if (await this.#verified(await cache.match(url), entry)) return;
    for (const name of older) {
      const body = await this.#verified(await (await this.d.caches.open(name)).match(url), entry);
      if (body) return cache.put(url, this.#stored(body, entry));
    }
    const res = await this.d.fetch(url, { cache: 'no-cache', credentials: 'same-origin' }).catch(() => undefined);
    const body = res?.ok ? await res.arrayBuffer() : undefined;
    if (body && (await sha256Hex(body)) === entry.sha256) await cache.put(url, this.#stored(body, entry));
    else this.d.log?.(`precache skipped ${entry.path}: ${res ? `HTTP ${res.status} or hash mismatch` : 'network error'}`);
  }

  /** Deletes every shell cache but this version's. */
  async activate(): Promise<void> {
    const names = await this.d.caches.keys();
    await Promise.all(names.filter((n) => n.startsWith(CACHE_PREFIX) && n !== this.cacheName).map((n) => this.d.caches.delete(n)));
  }

  /** Answers an owned `shell` request: an app navigation (index.html) or a precached file. */
  async respond(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const entry = request.mode === 'navigate' && !this.#byPath.has(url.pathname) ? this.#byPath.get('/index.html') : this.#byPath.get(url.pathname);
    if (!entry) return this.d.fetch(request); // owns() and the manifest disagree: stay out of the way
    const cache = await this.d.caches.open(this.cacheName);
    const stored = await cache.match(this.#url(entry));
    const body = await this.#verified(stored, entry);
    if (body) return this.#served(body, entry);
    if (stored) {
      this.d.log?.(`shell entry ${entry.path} does not match its hash: deleted`);
      await cache.delete(this.#url(entry));
    }
    return this.#fromNetwork(request, cache, entry);
  }

  /** The network's own answer (its own headers); stored when it is the manifest's bytes. */
  async #fromNetwork(request: Request, cache: Cache, entry: ShellEntry): Promise<Response> {
    let res: Response;
    try {
      res = await this.d.fetch(request);
    } catch {
      if (request.mode !== 'navigate') return Response.error();
      return htmlPage({
        title: 'Offline',
        body: '<main><h1>Todos cannot load while offline</h1><p>Check your connection, then <a href="/">try again</a>.</p></main>',
        config: undefined,
        frameAncestors: "'none'",
        status: 503,
      });
    }
    if (res.ok && res.type !== 'opaque' && res.type !== 'opaqueredirect') {
      const copy = res.clone();
      void (async () => {
        const bytes = await copy.arrayBuffer();
        if ((await sha256Hex(bytes)) === entry.sha256) await cache.put(this.#url(entry), this.#stored(bytes, entry));
      })().catch(() => undefined);
    }
    return res;
  }

  async #verified(stored: Response | undefined, entry: ShellEntry): Promise<ArrayBuffer | undefined> {
    if (!stored) return undefined;
    const body = await stored.arrayBuffer().catch(() => undefined);
    return body && (await sha256Hex(body)) === entry.sha256 ? body : undefined;
  }

  async #served(body: ArrayBuffer, entry: ShellEntry): Promise<Response> {
    const kind = pathKind(entry.path);
    const { config, fallback } = await this.#config();
    const headers: Record<string, string> = { ...responseHeaders(kind, config), 'Content-Type': entry.contentType };
    // The page can then tell it lacks the API's origin and reload once the config is back.
    if (kind === 'document' && fallback === 'config_unreachable') headers['Server-Timing'] = OFFLINE_SHELL_TIMING;
    return new Response(body, { status: 200, headers });
  }

  async #config(): Promise<{ config: VaultConfig | undefined; fallback?: PolicyFallback }> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timeout')), CONFIG_WAIT_MS);
    });
    try {
      return { config: await Promise.race([this.d.config(), timeout]) };
    } catch (e) {
      const code = (e as { code?: unknown } | null)?.code;
      return { config: undefined, fallback: code === 'config_invalid' ? 'config_invalid' : 'config_unreachable' };
    } finally {
      clearTimeout(timer);
    }
  }

  #url(entry: ShellEntry): string {
    return new URL(entry.path, this.d.origin).href;
  }

  /** What goes into Cache Storage: the bytes only (headers there are page-writable and ignored). */
  #stored(body: ArrayBuffer, entry: ShellEntry): Response {
    return new Response(body, { headers: { 'Content-Type': entry.contentType } });
  }
}
