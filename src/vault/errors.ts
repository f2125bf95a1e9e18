import type { ProtocolErrorCode } from '../../sw/protocol.ts';

/** Every failure of the page side of the vault, with a stable code (tests assert the code). */
export class VaultError extends Error {
  override readonly name = 'VaultError';
  constructor(
    readonly code: ProtocolErrorCode,
    message: string,
    readonly details?: Readonly<Record<string, string | number | boolean>>,
  ) {
    super(message);
  }
}
