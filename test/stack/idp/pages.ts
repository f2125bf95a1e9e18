/**
 * The IdP's own pages. Every page works under a strict CSP: no inline script or style, no
 * external origin (no web fonts), and framing refused (C10). Styles and the one script are small
 * files served by the IdP itself under ASSET_PREFIX.
 */
export const ASSET_PREFIX = '/idp-assets/';

export function escapeHtml(value: unknown): string {
  return String(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Headers for every HTML page of the IdP. `formTargets` are origins a form post may redirect to. */
export function pageHeaders(formTargets: readonly string[]): Record<string, string> {
  const csp = [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    // Chromium applies form-action to the redirects after a submit too: the login and logout
    // forms end at the app's redirect URIs.
    `form-action 'self' ${formTargets.join(' ')}`.trim(),
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
  return {
    'Content-Security-Policy': csp,
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  };
}

function layout(title: string, body: string, scripts: readonly string[] = []): string {
  const tags = scripts.map((s) => `<script src="${ASSET_PREFIX}${s}" defer></script>`).join('');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="${ASSET_PREFIX}idp.css">
${tags}
</head>
<body>
<main class="card">
${body}
</main>
</body>
</html>`;
}

export interface LoginPageInput {
  readonly action: string;
  readonly cancelHref: string;
  readonly clientName: string;
  readonly username?: string;
  readonly error?: string;
}

export function loginPage(p: LoginPageInput): string {
  const failed = p.error !== undefined;
  const error = failed ? `<p id="login-error" class="error" role="alert">${escapeHtml(p.error)}</p>` : '';
  // After a failed attempt the username is kept and the password is what to type again.
  const userFocus = failed ? '' : ' autofocus';
  const passwordAttrs = failed ? ' autofocus aria-describedby="login-error"' : '';
  return layout(
    'Sign in',
    `<h1>Sign in</h1>
<p class="muted">to continue to ${escapeHtml(p.clientName)}</p>
${error}
<form method="post" action="${escapeHtml(p.action)}" autocomplete="on">
<label for="username">Username</label>
<input id="username" name="username" type="text" autocomplete="username" required${userFocus} value="${escapeHtml(p.username ?? '')}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${passwordAttrs}>
<button type="submit">Sign in</button>
</form>
<p><a class="cancel" href="${escapeHtml(p.cancelHref)}">Cancel</a></p>
<p class="muted small">Demo accounts: alice / alice-password, bob / bob-password</p>`,
  );
}

/**
 * The RP-initiated logout confirmation. `formHtml` is oidc-provider's form (action + xsrf). When
 * the request carried a valid id_token_hint, `autoSubmit` adds the external script that submits
 * the form with logout=yes, so the user makes no extra click.
 */
export function logoutPage(formHtml: string, autoSubmit: boolean): string {
  const body = `<h1>Sign out</h1>
<p>Do you want to sign out of this identity provider?</p>
${formHtml.replace('</form>', '<input type="hidden" name="logout" value="yes"></form>')}
<button type="submit" form="op.logoutForm" class="primary">Yes, sign me out</button>`;
  return layout('Sign out', body, autoSubmit ? ['autosubmit.js'] : []);
}

export function logoutSuccessPage(): string {
  return layout('Signed out', '<h1>Signed out</h1><p>You have been signed out.</p>');
}

/** Only the protocol's error code and description: never a stack trace. */
export function errorPage(error: string, description: string | undefined): string {
  const desc = description === undefined ? '' : `<p>${escapeHtml(description)}</p>`;
  return layout(
    'Error',
    `<h1>Something went wrong</h1>
<p class="error"><code>${escapeHtml(error)}</code></p>
${desc}`,
  );
}

/**
 * Light and dark (prefers-color-scheme). The `color-scheme` meta in every page's head makes the
 * browser paint a dark canvas before this file has loaded, so going between the app's dark screens
 * and these pages never flashes white; `:root` repeats it for form controls and scrollbars.
 */
const CSS = `*{box-sizing:border-box}
:root{color-scheme:light dark;--bg:#f4f5f7;--fg:#1d2330;--card:#fff;--muted:#5a6272;--line:#b8bfcc;
--link:#2456d6;--err:#a4161a;--err-bg:#fde8e8;--shadow:rgba(0,0,0,.08)}
@media (prefers-color-scheme:dark){:root{--bg:#12151c;--fg:#e6e9ef;--card:#1d222c;--muted:#a7afbd;--line:#4d5568;
--link:#93b1ff;--err:#ffb4b4;--err-bg:#45191c;--shadow:rgba(0,0,0,.5)}}
html,body{background:var(--bg)}
body{margin:0;min-height:100vh;display:grid;place-items:center;color:var(--fg);
font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
.card{background:var(--card);width:min(22rem,92vw);padding:2rem;border-radius:12px;box-shadow:0 2px 12px var(--shadow)}
h1{font-size:1.4rem;margin:0 0 .5rem}
label{display:block;margin-top:1rem;font-weight:600}
input[type=text],input[type=password]{width:100%;padding:.55rem .7rem;border:1px solid var(--line);border-radius:6px;font:inherit;
background:Field;color:FieldText}
button{margin-top:1.25rem;width:100%;padding:.6rem;border:0;border-radius:6px;background:#2456d6;color:#fff;font:inherit;font-weight:600;cursor:pointer}
button:focus-visible,a:focus-visible,input:focus-visible{outline:3px solid #f2a900;outline-offset:2px}
.error{color:var(--err);background:var(--err-bg);padding:.5rem .75rem;border-radius:6px}
.muted{color:var(--muted)}.small{font-size:.85rem}
.cancel{color:var(--link)}
`;

/** Submits the logout form that the page carries; external so the CSP needs no 'unsafe-inline'. */
const AUTOSUBMIT_JS = `document.addEventListener('DOMContentLoaded', function () {
  var form = document.forms[0];
  if (form) form.submit();
});
`;

export const ASSETS: Readonly<Record<string, { type: string; body: string }>> = {
  'idp.css': { type: 'text/css; charset=utf-8', body: CSS },
  'autosubmit.js': { type: 'text/javascript; charset=utf-8', body: AUTOSUBMIT_JS },
};
