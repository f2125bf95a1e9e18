/**
 * A same-origin path or `/`: starts with exactly one `/` (not `//` or `/\`, which browsers treat
 * as another host), no control characters. Query kept; a fragment dropped.
 */
export function safeReturnTo(value: unknown): string {
  if (typeof value !== 'string' || value.length > 2048) return '/';
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return '/';
  try {
    const base = 'https://app.invalid';
    const u = new URL(value, base);
    const path = u.pathname + u.search;
    // Dot segments can normalise `/a/..//evil.example` into a protocol-relative `//evil.example`.
    if (u.origin !== base || path.startsWith('//') || path.startsWith('/\\')) return '/';
    return path;
  } catch {
    // Not a parsable path: the safe answer is the app's start page.
    return '/';
  }
}
