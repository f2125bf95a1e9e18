/**
 * DPoP (RFC 9449, STANDARDS A11): tokens bound to a key pair that lives in this SW's memory only.
 * The private key is non-extractable and never stored (not IndexedDB, not Cache Storage: page
 * script could fetch a stored `CryptoKey` and sign with it, as oidc-client-ts's
 * `IndexedDbDPoPStore` allows), so neither page script nor anything that reads a token elsewhere
 * can make a valid proof. A stopped SW loses its key; recovery binds new tokens to a new one.
 * Proofs are made here with jose (oidc-client-ts's DPoP code calls `window.crypto`, which a SW
 * does not have) and handed to the library as a header.
 */
import { SignJWT, calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { base64url, randomToken } from './random.ts';

export interface DpopKey {
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
  /** RFC 7638 thumbprint: `dpop_jkt` on the authorization request, `cnf.jkt` in the tokens. */
  readonly jkt: string;
}

/** One ES256 key pair; the private half cannot be exported (WebCrypto `extractable: false`). */
export async function createDpopKey(): Promise<DpopKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: false });
  const { kty, crv, x, y } = await exportJWK(publicKey);
  if (kty === undefined || crv === undefined || x === undefined || y === undefined) throw new TypeError('not an EC public key');
  const publicJwk: JWK = { kty, crv, x, y };
  return { privateKey, publicJwk, jkt: await calculateJwkThumbprint(publicJwk) };
}

/** RFC 9449 §4.2: the request URI without query and fragment. */
export function htu(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
}

/** A fresh proof for one request: `htm`, `htu`, `iat`, a unique `jti`; `ath` with an access token; the server's nonce. */
export async function dpopProof(
  key: DpopKey,
  p: { readonly method: string; readonly url: string; readonly accessToken?: string; readonly nonce?: string | undefined },
): Promise<string> {
  const claims: Record<string, string> = { htm: p.method.toUpperCase(), htu: htu(p.url), jti: randomToken() };
  if (p.accessToken !== undefined) {
    claims['ath'] = base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(p.accessToken))));
  }
  if (p.nonce !== undefined) claims['nonce'] = p.nonce;
  return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: key.publicJwk }).setIssuedAt().sign(key.privateKey);
}

/** The last `DPoP-Nonce` each server gave (RFC 9449 §8, §9): sent on the next proof to it. */
export class DpopNonces {
  readonly #byOrigin = new Map<string, string>();

  get(url: string): string | undefined {
    return this.#byOrigin.get(new URL(url).origin);
  }

  set(url: string, nonce: string | null | undefined): void {
    // A nonce is opaque, but a few printable characters at most (§8.1 NONCE = 1*NQCHAR).
    if (typeof nonce === 'string' && /^[\x21\x23-\x5B\x5D-\x7E]{1,512}$/.test(nonce)) this.#byOrigin.set(new URL(url).origin, nonce);
  }

  /** Keeps the nonce a response carries, if any. */
  from(url: string, res: Response): void {
    this.set(url, res.headers.get('DPoP-Nonce'));
  }
}

/**
 * RFC 9449 §9: the resource server asks for a (new) nonce with 401 and
 * `WWW-Authenticate: DPoP error="use_dpop_nonce"` plus a `DPoP-Nonce` header.
 */
export function asksForNonce(res: Response): boolean {
  if (res.status !== 401 || !res.headers.has('DPoP-Nonce')) return false;
  return /\bDPoP\b[^]*\berror\s*=\s*"?use_dpop_nonce"?/i.test(res.headers.get('WWW-Authenticate') ?? '');
}
