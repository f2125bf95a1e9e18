/**
 * HTML pages the SW makes. Chromium applies the headers of whatever response the SW returns, so
 * each carries the app's CSP (issue 3 item 9), with `frame-ancestors` chosen per page: `'self'`
 * for the silent-recovery iframe's end page, `'none'` for everything else. No page has script.
 */
import type { VaultConfig } from './config.ts';
import { BASE_HEADERS } from './responses.ts';

/**
 * The app's Content-Security-Policy, one source for the SW-made pages and for the dev/preview
 * servers (test/stack/app-plugin.ts), so the two cannot drift. `extraConnect` is for the dev
 * server's HMR socket only.
 */
export function appCsp(config: VaultConfig | undefined, frameAncestors: "'self'" | "'none'", extraConnect: readonly string[] = []): string {
  const issuer = config ? new URL(config.issuer).origin : undefined;
  const connect = [...(issuer ? [issuer] : []), ...(config?.apis.map((a) => a.origin) ?? []), ...extraConnect];
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `connect-src 'self' ${[...new Set(connect)].join(' ')}`.trim(),
    "img-src 'self' data:",
    // The silent re-authentication iframe navigates through the IdP (prompt=none redirects).
    `frame-src 'self' ${issuer ?? ''}`.trim(),
    `frame-ancestors ${frameAncestors}`,
    "base-uri 'none'",
    "object-src 'none'",
    "form-action 'self'",
    "require-trusted-types-for 'script'",
    'trusted-types lit-html sw-url',
  ].join('; ');
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

export function htmlPage(
  o: { title: string; body: string; config: VaultConfig | undefined; frameAncestors: "'self'" | "'none'"; status?: number },
): Response {
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(o.title)}</title><link rel="stylesheet" href="/app.css"></head>
<body>${o.body}</body></html>`;
  return new Response(html, {
    status: o.status ?? 200,
    headers: {
      ...BASE_HEADERS,
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': appCsp(o.config, o.frameAncestors),
      'Cross-Origin-Opener-Policy': 'same-origin',
    },
  });
}
