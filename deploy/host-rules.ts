/**
 * What a static host must send for each path of `dist/`, from the policy module: the common
 * ground of the nginx server block and the `_headers` file, so the two cannot disagree.
 */
import type { VaultConfig } from '../sw/config.ts';
import {
  CONFIG_PATH,
  HASHED_ASSETS_PREFIX,
  INDEX_PATH,
  SPA_FALLBACK_PATHS,
  SW_SCRIPT_PATH,
  responseHeaders,
  type HeaderMap,
  type PathKind,
} from '../sw/security-headers.ts';

export interface HostRule {
  /** `exact`: this path only; `prefix`: everything under it; `rest`: whatever no other rule matched. */
  readonly match: { readonly type: 'exact' | 'prefix'; readonly path: string } | { readonly type: 'rest' };
  readonly kind: PathKind;
  /**
   * Answer with this file of dist/ (the SPA fallback). Without one, a path whose file is missing
   * is a 404, never index.html (a missing hashed asset must not look present).
   */
  readonly file?: string;
  readonly headers: HeaderMap;
}

export function hostRules(config: VaultConfig): HostRule[] {
  const rule = (match: HostRule['match'], kind: PathKind, file?: string): HostRule => ({
    match,
    kind,
    ...(file === undefined ? {} : { file }),
    headers: responseHeaders(kind, config),
  });
  return [
    rule({ type: 'exact', path: SW_SCRIPT_PATH }, 'sw-script'),
    rule({ type: 'exact', path: CONFIG_PATH }, 'config'),
    rule({ type: 'exact', path: INDEX_PATH }, 'document'),
    ...SPA_FALLBACK_PATHS.map((p) => rule({ type: 'exact', path: p }, 'document', INDEX_PATH)),
    rule({ type: 'prefix', path: HASHED_ASSETS_PREFIX }, 'hashed-asset'),
    rule({ type: 'rest' }, 'static'),
  ];
}

/** A header value safe to write between double quotes in nginx and on one `_headers` line. */
export function checkedValue(name: string, value: string): string {
  if (/["$\\\r\n]/.test(value)) throw new Error(`header ${name} has a character a host file cannot carry: ${JSON.stringify(value)}`);
  return value;
}
