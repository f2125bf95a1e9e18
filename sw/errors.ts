/**
 * One base for every error the SW makes (after jose's `JOSEError`): a stable `code` from the
 * exported union, tests assert the code, and the error it came from rides along as `cause`.
 * Codes are snake_case, as the ones that cross to the page (protocol.ts).
 */
export type ConfigErrorCode = 'config_invalid' | 'config_unreachable';
export type DiscoveryErrorCode = 'discovery_unreachable' | 'discovery_invalid';
export type PendingErrorCode = 'pending_missing' | 'pending_malformed' | 'pending_expired' | 'pending_mismatch';
export type IdTokenErrorCode =
  | 'id_token_alg' // no acceptable algorithm, or the token's alg is not allowed
  | 'id_token_invalid' // signature, iss, aud, exp, nbf or shape
  | 'id_token_nonce' // nonce missing or different
  | 'id_token_azp' // several audiences and azp is not our client
  | 'id_token_sub'; // sub missing, or changed on refresh

export type SwErrorCode = ConfigErrorCode | DiscoveryErrorCode | PendingErrorCode | IdTokenErrorCode;

export class SwError<C extends SwErrorCode = SwErrorCode> extends Error {
  override readonly name: string = 'SwError';
  constructor(
    readonly code: C,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
