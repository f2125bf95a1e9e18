/** Failures that stop the bench (a missed target never does: the bench is a report). */
export type BenchErrorCode =
  | 'BROWSER_EXITED'
  | 'CDP_ERROR'
  | 'CDP_TIMEOUT'
  | 'PAGE_EXCEPTION'
  | 'WAIT_TIMEOUT'
  | 'SIGN_IN_FAILED'
  | 'NOT_CONTROLLED'
  | 'UNEXPECTED_CONTROL'
  | 'API_CALL_FAILED'
  | 'SW_DEBUGGER_ATTACHED'
  | 'BUILD_OUTPUT_MISSING'
  | 'LOAD_CLIENT_FAILED';

export class BenchError extends Error {
  readonly code: BenchErrorCode;
  constructor(code: BenchErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BenchError';
    this.code = code;
  }
}
