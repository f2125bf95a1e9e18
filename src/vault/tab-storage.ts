/**
 * sessionStorage (this tab only) that never throws: storage can be disabled (privacy settings,
 * sandboxed frames) or full, and every caller has a sensible fallback. Only non-secret values
 * go here (STANDARDS A7): never a token, code or verifier.
 */
export function readTab(key: string): string | null {
  try {
    return sessionStorage.getItem(key);
  } catch {
    return null;
  }
}

/** Stores `value`, or removes the key when it is null. */
export function writeTab(key: string, value: string | null): void {
  try {
    if (value === null) sessionStorage.removeItem(key);
    else sessionStorage.setItem(key, value);
  } catch {
    // disabled or full: callers keep working from memory
  }
}
