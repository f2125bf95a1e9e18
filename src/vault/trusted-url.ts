/**
 * The SW script URL through a Trusted Types policy (`require-trusted-types-for 'script'` makes
 * `serviceWorker.register()` demand a TrustedScriptURL). The policy accepts exactly one URL.
 */
export const SW_URL = '/sw.js';

interface TrustedTypePolicyLike {
  createScriptURL(input: string): unknown;
}
interface TrustedTypesLike {
  createPolicy(name: string, rules: { createScriptURL(input: string): string }): TrustedTypePolicyLike;
}

let policy: TrustedTypePolicyLike | undefined;

/** A TrustedScriptURL for `/sw.js`, or the plain string where Trusted Types do not exist. */
export function trustedSwUrl(): string {
  const tt = (globalThis as { trustedTypes?: TrustedTypesLike }).trustedTypes;
  if (!tt) return SW_URL;
  policy ??= tt.createPolicy('sw-url', {
    createScriptURL(input: string): string {
      if (input !== SW_URL) throw new TypeError('sw-url policy: only the service worker script is allowed');
      return input;
    },
  });
  // A TrustedScriptURL stringifies to the URL; workbox-window passes it through to register().
  return policy.createScriptURL(SW_URL) as string;
}
