import { BenchError, type BenchErrorCode } from './errors.ts';

/** A measurement's result, or the error that blocked it (the other measurements still run). */
export type Outcome<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly code: BenchErrorCode | 'UNEXPECTED'; readonly message: string };

export async function attempt<T>(fn: () => Promise<T> | T): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const cause = err instanceof Error && err.cause instanceof Error ? ` (${err.cause.message})` : '';
    return { ok: false, code: err instanceof BenchError ? err.code : 'UNEXPECTED', message: `${message}${cause}` };
  }
}

/** `n` attempts one after the other; each failure is kept in its place. */
export async function attemptAll<T>(n: number, fn: () => Promise<T>): Promise<Outcome<T>[]> {
  const out: Outcome<T>[] = [];
  for (let i = 0; i < n; i++) out.push(await attempt(fn));
  return out;
}
