/**
 * The page's debug log, off by default: on when config.json says `debug: true` (app/config.ts)
 * or the address has `?debug`. (The SW has its own, sw/log.ts, switched by config.json only: no
 * page may turn the SW's on.) The page holds no token, code or verifier; errors are still logged
 * by name and code only, as the SW does.
 */
let enabled = new URLSearchParams(location.search).has('debug');

export function enableDebugLogging(): void {
  enabled = true;
}

export interface Logger {
  debug(message: string, error?: unknown): void;
}

export function logger(module: string): Logger {
  return {
    debug(message, e) {
      const code = e instanceof Error ? (e as { code?: unknown }).code : undefined;
      if (enabled) console.debug(`[app:${module}] ${message}`, e instanceof Error ? `${e.name}(${typeof code === 'string' ? code : ''})` : '');
    },
  };
}
