/**
 * HTML pages the SW makes. Chromium applies the headers of whatever response the SW returns, so
 * each carries the app's policy from sw/security-headers.ts (issue 3 item 9, issue 10 item 2),
 * with `frame-ancestors` chosen per page: `'self'` for the silent-recovery iframe's end page,
 * `'none'` for everything else. No page has script.
 */
import type { VaultConfig } from './config.ts';
import { responseHeaders, type FrameAncestors } from './security-headers.ts';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

export function htmlPage(o: {
  title: string;
  body: string;
  config: VaultConfig | undefined;
  frameAncestors: FrameAncestors;
  status?: number;
}): Response {
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(o.title)}</title><link rel="stylesheet" href="/app.css"></head>
<body>${o.body}</body></html>`;
  return new Response(html, {
    status: o.status ?? 200,
    headers: {
      ...responseHeaders('document', o.config, { frameAncestors: o.frameAncestors, cacheControl: false }),
      // A page made for one navigation (it may hold a one-time ticket): never stored.
      'Cache-Control': 'no-store',
      'Content-Type': 'text/html; charset=utf-8',
    },
  });
}
