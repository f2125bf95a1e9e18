/**
 * Per-module debug logging, off by default. Callers pass a short message and structured details
 * of their own choosing; nothing here inspects values, so a caller must never pass a token, code,
 * verifier or a library error whose fields may hold one (oidc-client-ts's `ErrorResponse.form`
 * holds the refresh token): log `errorSummary(e)` instead of `e`.
 */
let enabled = false;

export function setDebugLogging(on: boolean): void {
  enabled = on;
}

export interface Logger {
  debug(message: string, details?: Readonly<Record<string, string | number | boolean | null | undefined>>): void;
}

export function logger(module: string): Logger {
  return {
    debug(message, details) {
      if (enabled) console.debug(`[vault:${module}] ${message}`, details ?? '');
    },
  };
}

/**
 * An error's name and its stable code (our `code`, an OAuth `error`), never its message or other
 * fields: library messages can quote response bodies (a JSON parse error quotes the text it
 * choked on, which may be a token response).
 */
export function errorSummary(e: unknown): string {
  if (!(e instanceof Error)) return typeof e;
  const f = e as { code?: unknown; error?: unknown };
  const code = typeof f.code === 'string' ? f.code : typeof f.error === 'string' ? f.error : undefined;
  return code === undefined ? e.name : `${e.name}(${code.slice(0, 64)})`;
}
