/**
 * The app's security headers and cache rules, as pure functions of the validated config: the one
 * source for the dev/preview servers (test/stack/app-plugin.ts), the pages and shell responses
 * the SW makes (sw/html.ts, sw/precache.ts) and the files `npm run headers` writes for static hosts
 * (deploy/). test/unit/security-headers.test.ts compares what each of them sends.
 *
 * Origins only, never paths: a CSP source with a path (Keycloak's `https://kc.example/realms/x`)
 * matches only that path, so the issuer contributes `https://kc.example`.
 */
import type { VaultConfig } from './config.ts';
import { APP_ROUTES, SW_ROUTES } from './owns.ts';

export type FrameAncestors = "'none'" | "'self'";

/** Every header this module sets, by name. */
export type HeaderMap = Readonly<Record<string, string>>;

/** The origins the policy names; none without a config (the strictest policy). */
export interface PolicyOrigins {
  readonly issuer: string | undefined;
  readonly apis: readonly string[];
}

export function policyOrigins(config: VaultConfig | undefined): PolicyOrigins {
  if (!config) return { issuer: undefined, apis: [] };
  return { issuer: new URL(config.issuer).origin, apis: [...new Set(config.apis.map((a) => new URL(a.origin).origin))] };
}

const list = (...sources: (string | undefined)[]): string => [...new Set(sources.filter((s) => s !== undefined))].join(' ');

export interface DocumentCspOptions {
  /** `'self'` only for the page the silent-recovery iframe ends on. */
  readonly frameAncestors?: FrameAncestors;
  /** The dev server's HMR socket; never in a deployment. */
  readonly extraConnect?: readonly string[];
}

/**
 * The document CSP (issue 10 item 2). No IdP origin in `connect-src`: about:blank iframes,
 * `window.open('')` popups and blob: documents inherit this policy without being controlled by
 * the SW, so whatever it lists they reach directly (issue 8 finding 3, STANDARDS A9). The page
 * only frames the IdP (silent recovery) and submits to it (sign-out confirmation -> end-session).
 */
export function documentCsp(config: VaultConfig | undefined, o: DocumentCspOptions = {}): string {
  const { issuer, apis } = policyOrigins(config);
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `connect-src ${list("'self'", ...apis, ...(o.extraConnect ?? []))}`,
    `frame-src ${list("'self'", issuer)}`,
    `form-action ${list("'self'", issuer)}`,
    `frame-ancestors ${o.frameAncestors ?? "'none'"}`,
    "base-uri 'none'",
    "object-src 'none'",
    "require-trusted-types-for 'script'",
    'trusted-types lit-html sw-url',
  ].join('; ');
}

/**
 * The CSP on the `sw.js` response, which governs the worker's own fetches: discovery, JWKS, token
 * and revocation requests to the IdP, bearer calls to the APIs. The worker loads only same-origin
 * module code and creates no Trusted Types policy.
 */
export function swCsp(config: VaultConfig | undefined): string {
  const { issuer, apis } = policyOrigins(config);
  return [
    "default-src 'none'",
    "script-src 'self'",
    `connect-src ${list("'self'", issuer, ...apis)}`,
    "require-trusted-types-for 'script'",
    "trusted-types 'none'",
  ].join('; ');
}

/** Headers every response carries, whatever it is. */
export const COMMON_HEADERS: HeaderMap = {
  // A popup that went through the IdP lands in another browsing-context group: unreadable.
  'Cross-Origin-Opener-Policy': 'same-origin',
  // The callback URL carries a code; no page of ours leaks its URL to another origin.
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  // Features the app never uses, off for it and every frame (names Chromium knows, so no console noise).
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
};

/** What a path of the deployed app is, for its CSP and cache rule. */
export type PathKind = 'document' | 'sw-script' | 'config' | 'hashed-asset' | 'static';

export const CACHE_CONTROL: Readonly<Record<PathKind, string>> = {
  document: 'no-cache',
  'sw-script': 'no-cache',
  config: 'no-store',
  // Content-addressed names: a changed file gets a new URL.
  'hashed-asset': 'public, max-age=31536000, immutable',
  // Unhashed files (app.css, icons): revalidated, so a deployment is seen at once.
  static: 'no-cache',
};

export const SW_SCRIPT_PATH = '/sw.js';
export const CONFIG_PATH = '/config.json';
export const HASHED_ASSETS_PREFIX = '/assets/';
export const INDEX_PATH = '/index.html';

/**
 * Paths answered with index.html when nothing else serves them (the SPA fallback): the app's own
 * routes, and the SW's routes, which a page the SW does not control (first visit, Shift+Reload,
 * a popup after `unregister()`) must still load as the app so it can scrub a callback URL.
 */
export const SPA_FALLBACK_PATHS: readonly string[] = [...new Set([...APP_ROUTES, ...Object.values(SW_ROUTES)])].filter((p) => p !== INDEX_PATH);

export function pathKind(pathname: string): PathKind {
  if (pathname === SW_SCRIPT_PATH) return 'sw-script';
  if (pathname === CONFIG_PATH) return 'config';
  if (pathname.startsWith(HASHED_ASSETS_PREFIX)) return 'hashed-asset';
  if (pathname === INDEX_PATH || SPA_FALLBACK_PATHS.includes(pathname)) return 'document';
  return 'static';
}

export interface ResponseHeaderOptions extends DocumentCspOptions {
  /** Leave out Cache-Control (the SW's own responses set their own). */
  readonly cacheControl?: boolean;
}

/**
 * Every security header and the cache rule for one response: exactly one CSP (two would both be
 * enforced), the document's for everything but `sw.js`.
 */
export function responseHeaders(kind: PathKind, config: VaultConfig | undefined, o: ResponseHeaderOptions = {}): HeaderMap {
  return {
    'Content-Security-Policy': kind === 'sw-script' ? swCsp(config) : documentCsp(config, o),
    ...COMMON_HEADERS,
    ...(o.cacheControl === false ? {} : { 'Cache-Control': CACHE_CONTROL[kind] }),
  };
}

/**
 * `Server-Timing` name on a shell document the SW served with the strictest policy because it
 * could not load /config.json (offline, or a restarted SW): that page cannot reach the API, so it
 * reloads itself once the config is reachable again (src/vault/offline-shell.ts). Server-Timing is
 * the one response header page script can read about its own document.
 */
export const OFFLINE_SHELL_TIMING = 'sw-offline-shell';
