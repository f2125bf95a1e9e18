/**
 * Every CSP and Trusted Types violation in a browser profile: `securitypolicyviolation` events in
 * every document (reported to Node through a binding, so a navigation loses none), and console
 * messages of pages and service workers that name a policy (a violation inside the SW, a
 * Trusted Types TypeError, a header the browser could not parse).
 */
import type { BrowserContext } from 'playwright-core';

/** A `securitypolicyviolation` event's facts, by the browser's own names. */
export type Violation = Pick<SecurityPolicyViolationEvent, 'documentURI' | 'effectiveDirective' | 'blockedURI' | 'sample'>;

export interface PolicyWatch {
  readonly violations: readonly Violation[];
  readonly consoleMessages: readonly string[];
  /** Both lists, for an assertion message. */
  describe(): string;
}

const POLICY_TEXT = /content security policy|content-security-policy|trusted ?type|refused to|permissions-policy|permissions policy/i;

declare global {
  interface Window {
    reportPolicyViolation?: (v: Violation) => void;
  }
}

export async function watchPolicies(ctx: BrowserContext): Promise<PolicyWatch> {
  const violations: Violation[] = [];
  const consoleMessages: string[] = [];
  await ctx.exposeBinding('reportPolicyViolation', (_source, v: Violation) => void violations.push(v));
  await ctx.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.reportPolicyViolation?.({
        documentURI: e.documentURI,
        effectiveDirective: e.effectiveDirective,
        blockedURI: e.blockedURI,
        sample: e.sample,
      });
    });
  });
  ctx.on('console', (m) => {
    if (POLICY_TEXT.test(m.text())) consoleMessages.push(`${m.type()}: ${m.text()}`);
  });
  ctx.on('weberror', (e) => {
    if (POLICY_TEXT.test(String(e.error()))) consoleMessages.push(`pageerror: ${String(e.error())}`);
  });
  return {
    violations,
    consoleMessages,
    describe: () => JSON.stringify({ violations, consoleMessages }, null, 2),
  };
}
