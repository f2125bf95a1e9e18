import type { ProtocolErrorCode } from '../../sw/protocol.ts';

/** Every failure of the page side of the vault, with a stable code (tests assert the code) and its cause. */
export class VaultError extends Error {
  override readonly name = 'VaultError';
  constructor(
    readonly code: ProtocolErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
