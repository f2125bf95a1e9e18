/**
 * Test-only: DPoP key pairs and proofs (RFC 9449 §4.2) signed with jose, with every part
 * overridable so a test can make exactly the proof it needs to be refused.
 */
import { createHash, randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

export interface DpopKey {
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
  /** RFC 7638 SHA-256 thumbprint: what `cnf.jkt` and `dpop_jkt` carry. */
  readonly jkt: string;
}

export async function dpopKey(): Promise<DpopKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  return { privateKey, publicJwk, jkt: await calculateJwkThumbprint(publicJwk, 'sha256') };
}

export interface ProofParts {
  readonly htm: string;
  readonly htu: string;
  /** Adds `ath` for this token. */
  readonly accessToken?: string;
  /** `undefined` sends no nonce: a caller's `{ nonce: undefined }` overrides a default one. */
  readonly nonce?: string | undefined;
  /** Merged over the defaults (`jti`, `iat`, `htm`, `htu`, `ath`, `nonce`); `undefined` removes one. */
  readonly claims?: { readonly [K in keyof JWTPayload]?: JWTPayload[K] | undefined };
  /** Merged over `{ typ: 'dpop+jwt', alg: 'ES256', jwk }`. */
  readonly header?: Record<string, unknown>;
  /** Sign with another key than the one in the header. */
  readonly signWith?: CryptoKey | Uint8Array;
}

export function ath(accessToken: string): string {
  return createHash('sha256').update(accessToken).digest('base64url');
}

export async function dpopProof(key: DpopKey, p: ProofParts): Promise<string> {
  const merged: Record<string, unknown> = {
    jti: randomUUID(),
    htm: p.htm,
    htu: p.htu,
    iat: Math.floor(Date.now() / 1000),
    ...(p.accessToken !== undefined ? { ath: ath(p.accessToken) } : {}),
    ...(p.nonce !== undefined ? { nonce: p.nonce } : {}),
    ...p.claims,
  };
  const claims: JWTPayload = Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== undefined));
  const header = { typ: 'dpop+jwt', alg: 'ES256', jwk: key.publicJwk, ...p.header } as { alg: string } & Record<string, unknown>;
  return new SignJWT(claims).setProtectedHeader(header).sign(p.signWith ?? key.privateKey);
}
