/**
 * Issue 8 finding 8: served by a plain static host without its headers, the app would lose its
 * CSP with Trusted Types, `frame-ancestors` and COOP without a word, and still sign people in.
 * Before a sign-in the SW asks the server for `/` itself and looks at what a document of this
 * app gets. What this can see: the server's answer for `/` (the usual mistake: headers missing
 * or configured for another path). What it cannot: a header stripped on the way to one browser,
 * or a document served differently from `/` (SECURITY.md says so).
 */
export type DeploymentProblem =
  | 'csp-missing'
  | 'csp-script-src' // no script-src/default-src, or one that allows inline, eval or any host
  | 'csp-trusted-types' // no require-trusted-types-for 'script'
  | 'csp-frame-ancestors' // framing not restricted
  | 'coop-missing';

function directives(csp: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of csp.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name && !out.has(name.toLowerCase())) out.set(name.toLowerCase(), values);
  }
  return out;
}

const UNSAFE_SCRIPT = new Set(["'unsafe-inline'", "'unsafe-eval'", '*', 'data:', 'blob:', 'http:', 'https:']);

/** What is wrong with the headers a document gets (empty: nothing we can see). */
export function deploymentProblems(headers: Headers): DeploymentProblem[] {
  const problems: DeploymentProblem[] = [];
  const csp = headers.get('Content-Security-Policy');
  if (!csp) problems.push('csp-missing');
  else {
    const d = directives(csp);
    const script = d.get('script-src') ?? d.get('default-src');
    if (!script || script.some((v) => UNSAFE_SCRIPT.has(v.toLowerCase()))) problems.push('csp-script-src');
    if (!d.get('require-trusted-types-for')?.includes("'script'")) problems.push('csp-trusted-types');
    const ancestors = d.get('frame-ancestors');
    if (!ancestors || ancestors.includes('*')) problems.push('csp-frame-ancestors');
  }
  if (headers.get('Cross-Origin-Opener-Policy')?.split(';')[0]?.trim() !== 'same-origin') problems.push('coop-missing');
  return problems;
}

/** An answer that says nothing about the deployment (a host or proxy error page during an outage). */
class NotTheApp extends Error {
  override readonly name = 'NotTheApp';
}

/**
 * Checks `/` once per SW instance. Only the app's own answer (2xx) is judged: a failed request,
 * or an error page from whatever stands in front of the app while it is down, blocks nothing and
 * is asked again next time.
 */
export function deploymentCheck(origin: string, fetchFn: typeof fetch): () => Promise<DeploymentProblem[]> {
  let memo: Promise<DeploymentProblem[]> | undefined;
  return () => {
    memo ??= fetchFn(new URL('/', origin).href, { cache: 'no-store', credentials: 'same-origin', redirect: 'follow' }).then((res) => {
      if (!res.ok) throw new NotTheApp(`/ answered ${res.status}`);
      return deploymentProblems(res.headers);
    });
    memo.catch(() => {
      memo = undefined;
    });
    return memo;
  };
}
